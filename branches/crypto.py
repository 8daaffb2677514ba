"""Encryption at rest for personal data (ID and phone numbers).

Values are Fernet tokens under the keys in ``FIELD_ENCRYPTION_KEY`` (comma
separated; the first encrypts, all decrypt, so keys rotate without downtime).
Lookups and uniqueness use a keyed HMAC of the normalised value, never the
plain text. Masking is the only way a value leaves this module for display.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("Stored value cannot be decrypted with the configured FIELD_ENCRYPTION_KEY") from None


def rotate(token: str) -> str:
    """Re-encrypt a token under the current primary key."""
    return fernet().rotate(token.encode()).decode()


def _hash_key() -> bytes:
    # Keyed with the *last* configured key: new keys are added at the front during
    # rotation, so the hash key (and every stored hash) stays stable across rotations.
    return hashlib.sha256(b"portal-field-hash:" + settings.FIELD_ENCRYPTION_KEYS[-1].encode()).digest()


def blind_index(value: str) -> str:
    normalised = value.strip().upper()
    return hmac.new(_hash_key(), normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str | None, keep_start: int = 3, keep_end: int = 4) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


class EncryptedTextField(models.TextField):
    """A text field stored as a Fernet token; Python code sees the plain value."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
