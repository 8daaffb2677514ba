"""Re-encrypt every encrypted column to the current cipher and key, and recompute blind indexes.

One command for key rotation and for migrating from the legacy algorithm (docs/operations.md):

* values under an older SM4 key version, and legacy Fernet tokens, are re-encrypted with the
  current ``FIELD_SM4_KEYS`` version (or Fernet's first key when ``FIELD_CIPHER=fernet``);
* each ``<field>_hash`` blind index is recomputed from the decrypted value (HMAC-SM3 under
  ``BLIND_INDEX_KEY``), so search by ID number keeps working after a blind-index key change.

Batches of ``--batch-size`` rows, each its own short transaction; an UPDATE only applies if the
row still holds the values that were read (a row changed meanwhile is already current). Progress
is kept in a state file after each batch, so an interrupted run resumes where it stopped
(``--restart`` starts over). ``--dry-run`` counts what would change and writes nothing. Both are audited.
"""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from branches import audit
from branches.crypto import EncryptedTextField, blind_index, decrypt, encrypt, is_current, is_sm4


def encrypted_fields():
    """``(model, [(encrypted field, blind index field or None)])`` for every model with encrypted columns."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = {f.name: f for f in model._meta.concrete_fields}
        pairs = [
            (f, names.get(f"{f.name}_hash")) for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if pairs:
            yield model, pairs


def legacy_values() -> int:
    """How many stored encrypted values are not SM4-GCM (0 once a migration has finished)."""
    found = 0
    q = connection.ops.quote_name
    for model, pairs in encrypted_fields():
        for field, _hash in pairs:
            c = q(field.column)
            sql = f"SELECT {c} FROM {q(model._meta.db_table)} WHERE {c} IS NOT NULL AND {c} <> ''"  # noqa: S608  # nosec B608: quoted model identifiers
            with connection.cursor() as cursor:
                cursor.execute(sql)
                found += sum(1 for (token,) in cursor.fetchall() if not is_sm4(token))
    return found


def _columns(pairs) -> list[str]:
    columns = []
    for field, hash_field in pairs:
        columns.append(field.column)
        if hash_field is not None:
            columns.append(hash_field.column)
    return columns


def _new_values(pairs, row: dict) -> dict:
    """The columns of one row that must change, with their new values."""
    changes = {}
    for field, hash_field in pairs:
        token = row[field.column]
        if not token:
            continue
        plain = decrypt(token)
        if not is_current(token):
            changes[field.column] = encrypt(plain)
        if hash_field is not None:
            digest = hash_field.digest(plain) if hasattr(hash_field, "digest") else blind_index(plain)
            if row[hash_field.column] != digest:
                changes[hash_field.column] = digest
    return changes


def _update(model, row_pk, row: dict, changes: dict) -> int:
    """Apply ``changes`` if the row still holds what was read. Identifiers are quoted model metadata."""
    q = connection.ops.quote_name
    sets = ", ".join(f"{q(c)} = %s" for c in changes)
    where, params = [f"{q(model._meta.pk.column)} = %s"], [row_pk]
    for column in changes:
        if row[column] is None:
            where.append(f"{q(column)} IS NULL")
        else:
            where.append(f"{q(column)} = %s")
            params.append(row[column])
    sql = f"UPDATE {q(model._meta.db_table)} SET {sets} WHERE {' AND '.join(where)}"  # noqa: S608  # nosec B608: quoted model identifiers
    with connection.cursor() as cursor:
        cursor.execute(sql, [*changes.values(), *params])
        return cursor.rowcount


class Command(BaseCommand):
    help = "Re-encrypt personal data to the current key/cipher and recompute blind indexes (resumable, audited)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")
        parser.add_argument("--restart", action="store_true", help="Ignore the saved progress and start over.")
        parser.add_argument("--state-file", default=None, help="Progress file (default var/reencrypt-fields.json).")

    def handle(self, *args, batch_size, dry_run, restart, state_file, **options):
        state_path = Path(state_file) if state_file else Path(settings.VAR_DIR) / "reencrypt-fields.json"
        progress = {} if (restart or dry_run or not state_path.exists()) else json.loads(state_path.read_text())
        counts: dict[str, int] = {}
        q = connection.ops.quote_name
        for model, pairs in encrypted_fields():
            label = model._meta.label
            columns = _columns(pairs)
            pk = q(model._meta.pk.column)
            head = f"SELECT {pk}, {', '.join(q(c) for c in columns)} FROM {q(model._meta.db_table)} "  # noqa: S608  # nosec B608: quoted model identifiers
            # Keyset pagination on the primary key, whatever its type (integers, UUIDs): the first batch
            # has no lower bound, each next one starts after the last key seen (kept in the state file).
            first, after = f"{head}ORDER BY {pk} LIMIT %s", f"{head}WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
            last, count = progress.get(label), counts.get(label, 0)
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(*((first, [batch_size]) if last is None else (after, [last, batch_size])))
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    for row_pk, *values in rows:
                        last = row_pk if isinstance(row_pk, int | str) else str(row_pk)
                        row = dict(zip(columns, values, strict=True))
                        changes = _new_values(pairs, row)
                        if changes:
                            count += 1 if dry_run else _update(model, row_pk, row, changes)
                if not dry_run:
                    progress[label] = last
                    state_path.write_text(json.dumps(progress))
            counts[label] = count
            verb = "would change" if dry_run else "re-encrypted"
            self.stdout.write(f"{label}: {count} rows {verb}")
        total = sum(counts.values())
        if not dry_run and state_path.exists():
            state_path.unlink()
        audit.record(
            audit.SYSTEM,
            "crypto.reencrypt_checked" if dry_run else "crypto.keys_rotated",
            object_type="branches.crypto",
            object_repr="FIELD_SM4_KEYS / BLIND_INDEX_KEY",
            after={
                "rows": counts,
                "dry_run": dry_run,
                "cipher": settings.FIELD_CIPHER,
                "key_version": settings.FIELD_SM4_KEY_VERSION,
            },
        )
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run: {total} rows would be re-encrypted; nothing written."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{total} values re-encrypted under the current key."))
