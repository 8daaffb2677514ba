from django.core.management.base import BaseCommand

from portal.services import forget_cached_figures


class Command(BaseCommand):
    help = (
        "Move every figure and dashboard page kept in the shared cache on, after a restore or whenever the "
        "database behind the cache was replaced (the broker's queues in the same Redis are left alone)."
    )

    def handle(self, *args, **options):
        forget_cached_figures()
        self.stdout.write(self.style.SUCCESS("Kept figures and dashboard pages will be computed afresh."))
