"""``check --deploy`` refuses production with the published demo keys or with keys shared between uses."""

import base64

from django.conf import settings
from django.core import checks

DEV_FERNET_KEY = "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="


def _demo_versions(text: str) -> set[bytes]:
    return {base64.b64decode(item.split(":", 1)[1]) for item in text.split(",") if ":" in item}


@checks.register(checks.Tags.security, deploy=True)
def crypto_keys(app_configs=None, **kwargs):
    """GB/T 39786-2021 key management: no demo keys, one key per purpose, none inside the repository."""
    errors = []
    demo = [
        ("FIELD_SM4_KEYS", set(settings.FIELD_SM4_KEYS.values()) & _demo_versions(settings.DEMO_FIELD_SM4_KEYS)),
        ("BLIND_INDEX_KEY", base64.b64decode(settings.DEMO_BLIND_INDEX_KEY) == settings.BLIND_INDEX_KEY),
        ("INTEGRITY_KEYS", set(settings.INTEGRITY_KEYS.values()) & _demo_versions(settings.DEMO_INTEGRITY_KEYS)),
        ("FIELD_ENCRYPTION_KEY", DEV_FERNET_KEY in settings.FIELD_ENCRYPTION_KEYS),
    ]
    for name, found in demo:
        if found:
            errors.append(
                checks.Error(
                    f"{name} holds a published demonstration key.",
                    hint="Generate production keys (docs/operations.md, Keys) and set them in the environment "
                    "or in CRYPTO_KEY_FILE outside the repository.",
                    id="branches.E101",
                )
            )
    if not settings.FIELD_SM4_KEYS or not settings.BLIND_INDEX_KEY or not settings.INTEGRITY_KEYS:
        errors.append(checks.Error("A national-cryptography key is missing.", id="branches.E102"))
    purposes = [*settings.FIELD_SM4_KEYS.values(), settings.BLIND_INDEX_KEY, *settings.INTEGRITY_KEYS.values()]
    if len(set(purposes)) != len(purposes):
        errors.append(
            checks.Error(
                "The same key serves two purposes (encryption, blind index, integrity).",
                hint="Each of FIELD_SM4_KEYS, BLIND_INDEX_KEY and INTEGRITY_KEYS needs its own random key.",
                id="branches.E103",
            )
        )
    return errors
