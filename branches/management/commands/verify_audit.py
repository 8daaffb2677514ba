"""Verify the HMAC-SM3 audit chains and report the first broken link (exit status 1 if any)."""

from django.core.management.base import BaseCommand, CommandError

from branches.audit_chain import verify_and_record


class Command(BaseCommand):
    help = "Check every audit entry's HMAC-SM3 chain; report the first edited, deleted or inserted entry."

    def handle(self, *args, **options):
        result = verify_and_record()
        if not result["ok"]:
            p = result["problem"]
            raise CommandError(
                f"Audit chain broken after {result['checked']} entries: {p['reason']} "
                f"(chain {p['chain'] or '-'}, position {p['seq']}, entry id {p['entry_id']})"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {result['checked']} entries in {result['chains']} chains.")
        )
