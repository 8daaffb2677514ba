"""The documents the portal produces, by kind: how each is found in the caller's scope, built, named and
(for the documents that carry a 发文字号) numbered.

Apps register their kinds from ``AppConfig.ready()``; the download pages, the numbering action and the
documents API all go through ``branches.documents.services``, so scope, numbering and audit are the same
everywhere.

    register(DocumentKind(
        name="rectification", label=_("Rectification notice"),
        find=lambda user, ref: get_object_or_404(Rectification.objects.visible_to(user), pk=ref),
        build=lambda rect, *, user, issued: rectification_notice(rect, issued=issued),
        filename=lambda rect: f"整改通知书-{rect.owner_org.name}",
        numbered=lambda rect, user: Numbering(rect.finding.target.task.organization, obj=rect, title=...),
        may_number=lambda user, rect: ...,
    ))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404


@dataclass(frozen=True)
class Numbering:
    """Who numbers a document and under which reference: ``obj`` (a row) or ``ref`` = (type, id)."""

    organization: object
    title: str
    obj: object = None
    ref: tuple[str, str] | None = None

    @property
    def key(self) -> tuple[str, str]:
        if self.ref is not None:
            return self.ref
        return self.obj._meta.label_lower, str(self.obj.pk)


@dataclass(frozen=True)
class DocumentKind:
    name: str
    label: object
    find: Callable  # (user, ref: str) -> the record; Http404 outside the user's scope
    build: Callable  # (record, *, user, issued: IssuedNumber | None) -> OfficialDocument
    filename: Callable  # (record) -> file name without extension
    numbered: Callable | None = None  # (record, user) -> Numbering, for documents with a 发文字号
    may_number: Callable | None = None  # (user, record) -> bool: may this user issue the number


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> DocumentKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise Http404 from None


def names() -> list[str]:
    return sorted(_KINDS)
