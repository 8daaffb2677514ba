"""The former name of ``reencrypt_fields`` (branches/management/commands/reencrypt_fields.py), kept for runbooks."""

from branches.management.commands.reencrypt_fields import Command as ReencryptFields


class Command(ReencryptFields):
    help = "Alias of reencrypt_fields: re-encrypt personal data under the current key and recompute blind indexes."
