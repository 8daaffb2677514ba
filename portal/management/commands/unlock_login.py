from django.core.management.base import BaseCommand, CommandError

from branches import audit
from portal.security import services


class Command(BaseCommand):
    help = "Lift a login lockout for a username and/or an IP address (audited)."

    def add_arguments(self, parser):
        parser.add_argument("--username")
        parser.add_argument("--ip")

    def handle(self, *args, username=None, ip=None, **options):
        if not username and not ip:
            raise CommandError("Give --username and/or --ip.")
        count = services.unlock(actor=audit.SYSTEM, username=username, ip_address=ip)
        self.stdout.write(self.style.SUCCESS(f"Unlocked: {count} lockout record(s) cleared."))
