"""Re-seal an account or role grant after a security administrator has checked and corrected it.

An account or grant altered in the database stays denied (its HMAC-SM3 does not match, and an
ordinary save never re-seals it). Once the values are verified, or corrected in the admin, this
command seals the row as it now stands, and records who asked and why in the audit log.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from branches import audit
from branches.models import RoleGrant


class Command(BaseCommand):
    help = "Re-seal (HMAC-SM3) an account's flags or a role grant after checking them; audited."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="username whose account flags are re-sealed")
        parser.add_argument("--grant", type=int, help="id of the role grant to re-seal")
        parser.add_argument("--reason", required=True, help="why (kept in the audit log)")

    def handle(self, *args, user=None, grant=None, reason, **options):
        if not (user or grant):
            raise CommandError("Give --user or --grant.")
        if user:
            row = get_user_model().objects.filter(username=user).first()
            if row is None:
                raise CommandError(f"No account {user!r}.")
            after = {"is_active": row.is_active, "is_staff": row.is_staff, "is_superuser": row.is_superuser}
        else:
            row = RoleGrant.objects.filter(pk=grant).first()
            if row is None:
                raise CommandError(f"No role grant {grant}.")
            after = {"user": row.user_id, "organization": row.organization_id, "role": row.role}
            after["include_subtree"] = row.include_subtree
        row._integrity_repair = True
        row.save()
        audit.record(audit.SYSTEM, "integrity.resealed", row, after={**after, "reason": reason})
        self.stdout.write(self.style.SUCCESS(f"Re-sealed {row._meta.label} {row.pk}."))
