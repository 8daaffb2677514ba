"""What the pages and the API do with a document: build it for download (never writes), and issue its
发文字号 (an explicit action: audited, idempotent)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import IssuedNumber
from . import kinds, numbering


def issued_number(kind: kinds.DocumentKind, record, user) -> IssuedNumber | None:
    """The number the document already carries, or None (a draft); reads only."""
    if kind.numbered is None:
        return None
    spec = kind.numbered(record, user)
    if spec is None:
        return None
    object_type, object_id = spec.key
    return IssuedNumber.objects.filter(kind=kind.name, object_type=object_type, object_id=object_id).first()


def document(user, kind_name: str, ref: str):
    """(OfficialDocument, file name) of the ``kind_name`` document ``ref`` as ``user`` may see it (404 outside).

    A numbered kind not numbered yet is a draft: no 文号 and no date, until someone issues it."""
    kind = kinds.get(kind_name)
    record = kind.find(user, ref)
    issued = issued_number(kind, record, user)
    return kind.build(record, user=user, issued=issued), kind.filename(record)


def number(*, actor, kind_name: str, ref: str, day: datetime.date | None = None) -> tuple[IssuedNumber, bool]:
    """Issue the 发文字号 of a document (audited as ``document.numbered``); a document that has its number
    keeps it. Returns (number, newly issued)."""
    kind = kinds.get(kind_name)
    record = kind.find(actor, ref)
    if kind.numbered is None:
        raise PermissionDenied(_("This document carries no document number."))
    spec = kind.numbered(record, actor)
    if spec is None:
        raise PermissionDenied(_("You do not issue documents for any organisation."))
    existing = issued_number(kind, record, actor)
    if existing is not None:
        return existing, False
    if kind.may_number is None or not kind.may_number(actor, record):
        raise PermissionDenied(_("Only the issuing organisation's staff may number this document."))
    issued = numbering.issue(
        actor=actor, organization=spec.organization, kind=kind.name, ref=spec.key, title=spec.title, day=day
    )
    return issued, True


def download(user, kind_name: str, ref, fmt: str):
    """The download response of a document (.docx or PDF); GET never numbers anything."""
    from . import respond

    doc, name = document(user, kind_name, str(ref))
    return respond(doc, fmt, name)


def number_state(user, kind_name: str, ref, record=None) -> dict:
    """What a page shows beside the downloads: the number, or whether this user may issue it (no writes).

    ``record`` is what ``kind.find(user, ref)`` returns, when the page has it already (loaded in the user's scope)."""
    kind = kinds.get(kind_name)
    if kind.numbered is None:
        return {"numbered": False}
    if record is None:
        record = kind.find(user, str(ref))
    issued = issued_number(kind, record, user)
    may = issued is None and kind.may_number is not None and kind.may_number(user, record)
    return {"numbered": True, "issued": issued, "may_number": may, "kind": kind_name, "ref": str(ref)}
