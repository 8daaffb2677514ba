"""Encryption at rest for personal data, blind indexes, and integrity MACs (国密, GB/T 39786-2021).

* Confidentiality: **SM4-GCM** (GB/T 32907 block cipher, GCM as in RFC 8998). A value is stored as
  ``sm4g:v<version>:<base64url(nonce ‖ ciphertext ‖ tag)>``; the header (algorithm and key
  version) is the GCM additional data, so neither can be swapped. ``FIELD_SM4_KEYS`` holds the
  versions; the first one encrypts, all decrypt. ``FIELD_CIPHER=fernet`` keeps writing the legacy
  Fernet tokens (``FIELD_ENCRYPTION_KEY``), which stay readable until ``reencrypt_fields`` migrates them.
* Lookups and uniqueness: **HMAC-SM3** (GB/T 32905, GB/T 15852.2) of the normalised value under
  ``BLIND_INDEX_KEY``, a key of its own (never the encryption key).
* Integrity of important records (audit chain, role grants, account flags): HMAC-SM3 under
  ``INTEGRITY_KEYS``, written ``<version>:<hex>`` so that key rotates too.

Masking is the only way a value leaves this module for display. Keys live in settings, read
from the environment or a key file outside the repository, never in the database.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

SM4_PREFIX = "sm4g:"
NONCE_BYTES = 12
TAG_BYTES = 16


# --- Primitives (national algorithms through OpenSSL via `cryptography`) ------------


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    if not key:
        raise ImproperlyConfigured("A national-cryptography key is not configured (run check --deploy)")
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def sm4_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes = b"") -> tuple[bytes, bytes]:
    """``(ciphertext, tag)``."""
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return ciphertext, encryptor.tag


def sm4_gcm_decrypt(key: bytes, nonce: bytes, ciphertext: bytes, tag: bytes, aad: bytes = b"") -> bytes:
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(ciphertext) + decryptor.finalize()


# --- Field encryption -----------------------------------------------------------------


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    """The legacy Fernet keys (reading rows written before SM4-GCM, or ``FIELD_CIPHER=fernet``)."""
    if not settings.FIELD_ENCRYPTION_KEYS:
        raise ValueError("A legacy Fernet value was found but FIELD_ENCRYPTION_KEY is not configured")
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def is_sm4(token: str) -> bool:
    return token.startswith(SM4_PREFIX)


def key_version(token: str) -> int | None:
    """The SM4 key version of a stored value (None for a legacy Fernet token)."""
    if not is_sm4(token):
        return None
    head = token[len(SM4_PREFIX) :].split(":", 1)[0]
    return int(head[1:]) if head[1:].isdigit() else None


def is_current(token: str) -> bool:
    """Whether a stored value is already written the way ``encrypt`` would write it now."""
    if settings.FIELD_CIPHER == "fernet":
        if is_sm4(token):
            return False
        primary = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
        try:
            primary.decrypt(token.encode())
        except InvalidToken:
            return False
        return True
    return key_version(token) == settings.FIELD_SM4_KEY_VERSION


def encrypt(value: str) -> str:
    if settings.FIELD_CIPHER == "fernet":
        return fernet().encrypt(value.encode()).decode()
    version = settings.FIELD_SM4_KEY_VERSION
    if version not in settings.FIELD_SM4_KEYS:
        raise ImproperlyConfigured("FIELD_SM4_KEYS is not configured (run check --deploy)")
    header = f"{SM4_PREFIX}v{version}:"
    nonce = os.urandom(NONCE_BYTES)
    ciphertext, tag = sm4_gcm_encrypt(settings.FIELD_SM4_KEYS[version], nonce, value.encode(), header.encode())
    return header + base64.urlsafe_b64encode(nonce + ciphertext + tag).decode().rstrip("=")


def decrypt(token: str) -> str:
    if not is_sm4(token):
        try:
            return fernet().decrypt(token.encode()).decode()
        except InvalidToken:
            raise ValueError("Stored value cannot be decrypted with the configured FIELD_ENCRYPTION_KEY") from None
    version = key_version(token)
    key = settings.FIELD_SM4_KEYS.get(version) if version else None
    if key is None:
        raise ValueError(f"Stored value needs SM4 key version {version}, which FIELD_SM4_KEYS does not hold")
    header, body = token.rsplit(":", 1)
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    try:
        return sm4_gcm_decrypt(key, nonce, ciphertext, tag, (header + ":").encode()).decode()
    except InvalidTag:
        raise ValueError("Stored value failed its SM4-GCM integrity check (altered or wrong key)") from None


def rotate(token: str) -> str:
    """Re-encrypt a stored value under the current cipher and key."""
    return encrypt(decrypt(token))


# --- Blind index ----------------------------------------------------------------------


def _legacy_hash_key() -> bytes:
    # Before SM4: keyed with the *last* Fernet key (kept only for FIELD_CIPHER=fernet).
    return hashlib.sha256(b"portal-field-hash:" + settings.FIELD_ENCRYPTION_KEYS[-1].encode()).digest()


def blind_index(value: str) -> str:
    """The lookup/uniqueness digest of ``value`` (64 hex characters): HMAC-SM3 under BLIND_INDEX_KEY.

    Callers normalise first (``idnumbers.normalise``); this only trims and upper-cases.
    """
    normalised = value.strip().upper().encode()
    if settings.FIELD_CIPHER == "fernet":
        return hmac.new(_legacy_hash_key(), normalised, hashlib.sha256).hexdigest()
    return hmac_sm3(settings.BLIND_INDEX_KEY, normalised).hex()


# --- Integrity MACs -------------------------------------------------------------------


def integrity_mac(data: bytes) -> str:
    """``<version>:<hex HMAC-SM3>`` under the current INTEGRITY_KEYS version."""
    version = settings.INTEGRITY_KEY_VERSION
    if version not in settings.INTEGRITY_KEYS:
        raise ImproperlyConfigured("INTEGRITY_KEYS is not configured (run check --deploy)")
    return f"{version}:{hmac_sm3(settings.INTEGRITY_KEYS[version], data).hex()}"


def integrity_ok(data: bytes, mac: str | None) -> bool:
    """Constant-time check of a MAC written by ``integrity_mac`` (any configured key version)."""
    version, sep, digest = (mac or "").partition(":")
    key = settings.INTEGRITY_KEYS.get(int(version)) if sep and version.isdigit() else None
    if key is None:
        return False
    return hmac.compare_digest(hmac_sm3(key, data).hex(), digest)


# --- Display --------------------------------------------------------------------------


def mask(value: str | None, keep_start: int = 3, keep_end: int = 4) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


class EncryptedTextField(models.TextField):
    """A text field stored encrypted (SM4-GCM by default); Python code sees the plain value.

    If the model has a ``<name>_hash`` field, it is this field's blind index and
    ``reencrypt_fields`` recomputes it.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


def normal_mobile(value: str) -> str:
    """A mobile number as digits only, without the +86 / 0086 country code."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


class MobileIndexField(models.CharField):
    """The blind index of the encrypted mobile number beside it (``source``), kept current on every save.

    Computed in ``pre_save``, which Django also calls for ``bulk_create``; ``reencrypt_fields``
    recomputes it with ``digest``. Lets single sign-on find an account by mobile number without
    ever storing or comparing the number in clear.
    """

    def __init__(self, *args, source: str = "phone", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    @staticmethod
    def digest(plain: str) -> str:
        normal = normal_mobile(plain)
        return blind_index(normal) if normal else ""

    def pre_save(self, model_instance, add):
        value = self.digest(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
