"""Re-encrypt every encrypted field under the first key of FIELD_ENCRYPTION_KEY.

Rotation without downtime (docs/security.md):
1. Put the new key first: FIELD_ENCRYPTION_KEY=new,old — restart the portal and the worker.
   New writes use the new key; old values still decrypt with the old one.
2. Run ``python manage.py rotate_field_keys``: rows are re-encrypted in batches, each
   batch its own short transaction; a row changed meanwhile is skipped (its new value
   is already under the new key).
3. Keep the old key at the end of the list: the blind index (lookups, uniqueness) is
   keyed with the *last* key, so it stays stable.
"""

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from branches import audit
from branches.crypto import EncryptedTextField, rotate


def encrypted_fields():
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def _under_primary(primary, token: str) -> bool:
    try:
        primary.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _statements(model, field):
    """SELECT and UPDATE for one encrypted column. Identifiers come from model metadata,
    quoted by the backend, never from input; every value is a query parameter."""
    q = connection.ops.quote_name
    t, pk, c = q(model._meta.db_table), q(model._meta.pk.column), q(field.column)
    select = f"SELECT {pk}, {c} FROM {t} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"  # noqa: S608  # nosec B608: quoted model identifiers
    update = f"UPDATE {t} SET {c} = %s WHERE {pk} = %s AND {c} = %s"  # noqa: S608  # nosec B608: quoted model identifiers
    return select, update


class Command(BaseCommand):
    help = "Re-encrypt encrypted personal data under the first (newest) FIELD_ENCRYPTION_KEY, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        total = 0
        primary = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
        for model, fields in encrypted_fields():
            for field in fields:
                select, update = _statements(model, field)
                last, count = 0, 0
                while True:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(select, [last, batch_size])
                        rows = cursor.fetchall()
                        if not rows:
                            break
                        for row_pk, token in rows:
                            last = row_pk
                            if not token or _under_primary(primary, token):
                                continue
                            cursor.execute(update, [rotate(token), row_pk, token])
                            count += cursor.rowcount
                total += count
                self.stdout.write(f"{model._meta.label}.{field.name}: {count} re-encrypted")
        audit.record(
            audit.SYSTEM,
            "crypto.keys_rotated",
            object_type="branches.crypto",
            object_repr="FIELD_ENCRYPTION_KEY",
            after={"rows": total},
        )
        self.stdout.write(self.style.SUCCESS(f"{total} values re-encrypted under the first key."))
