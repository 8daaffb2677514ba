"""The supervision documents in the document layer's registry: the bulletin (督查通报, ref = period key)
and the rectification notice (整改通知书, ref = rectification id). Both carry a 发文字号 that the issuing
organisation's staff (``supervision.manage``) issue by an explicit action."""

from __future__ import annotations

from types import SimpleNamespace

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.documents.kinds import DocumentKind, Numbering, register
from branches.models import Organization

from . import documents, reports
from .models import Rectification


def _manages(user, organization) -> bool:
    return Organization.objects.visible_to(user, "supervision.manage").filter(pk=organization.pk).exists()


def _bulletin(user, ref):
    from branches.access import has_permission

    if not has_permission(user, "supervision.use"):
        raise Http404
    issuer = documents.issuer_of(user)
    if issuer is None:
        raise Http404
    today = timezone.localdate()
    return SimpleNamespace(period=reports.period_from(ref, today), issuer=issuer, today=today)


def _build_bulletin(record, *, user, issued):
    bulletin = reports.bulletin(user, record.period, today=record.today)
    return documents.bulletin_document(bulletin, issuer=record.issuer, issued=issued)


def _rectification(user, ref):
    return get_object_or_404(
        Rectification.objects.visible_to(user).select_related(
            "owner_org", "finding__category", "finding__target__task__organization"
        ),
        pk=int(ref) if str(ref).isdigit() else 0,
    )


def register_kinds() -> None:
    register(
        DocumentKind(
            name="bulletin",
            label=_("Supervision bulletin"),
            find=_bulletin,
            build=_build_bulletin,
            filename=lambda r: f"督查通报-{r.period.key}",
            numbered=lambda r, user: Numbering(
                r.issuer, documents.bulletin_title(r.period), ref=documents.bulletin_ref(r.issuer, r.period)
            ),
            may_number=lambda user, r: _manages(user, r.issuer),
        )
    )
    register(
        DocumentKind(
            name="rectification",
            label=_("Rectification notice"),
            find=_rectification,
            build=lambda rect, *, user, issued: documents.rectification_notice(rect, issued=issued),
            filename=lambda rect: f"整改通知书-{rect.owner_org.name}",
            numbered=lambda rect, user: Numbering(
                rect.finding.target.task.organization, f"整改通知书 {rect.owner_org.name}", obj=rect
            ),
            may_number=lambda user, rect: _manages(user, rect.finding.target.task.organization),
        )
    )
