"""Keeping a checked file between the dry run and the confirmation: server side, encrypted, short-lived,
referenced by an id (security review F10: never in the session table)."""

from __future__ import annotations

import base64
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import RosterUpload


def ttl() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "REGISTER_IMPORT_TTL_MINUTES", 30))


def stage(user, content: bytes, *, mode: str, filename: str = "") -> RosterUpload:
    purge()
    RosterUpload.objects.filter(user=user).delete()  # one pending file per user
    return RosterUpload.objects.create(
        user=user,
        mode=mode,
        filename=filename[:200],
        content=base64.b64encode(content).decode(),
        expires_at=timezone.now() + ttl(),
    )


def fetch(user, upload_id) -> tuple[RosterUpload, bytes] | None:
    """The staged file of this user, or None when unknown, someone else's or expired."""
    try:
        upload = RosterUpload.objects.get(pk=upload_id, user=user, expires_at__gt=timezone.now())
    except (RosterUpload.DoesNotExist, ValidationError, ValueError, TypeError):  # a bad id is not found
        return None
    return upload, base64.b64decode(upload.content)


def discard(upload: RosterUpload) -> None:
    RosterUpload.objects.filter(pk=upload.pk).delete()


def purge() -> int:
    return RosterUpload.objects.filter(expires_at__lte=timezone.now()).delete()[0]
