"""The four-strong result notice in the document layer's registry (ref = cycle id): numbered by the
work committee (``assessment.manage`` on the cycle's root) by an explicit action."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from branches.documents.kinds import DocumentKind, Numbering, register
from branches.models import Organization

from . import documents
from .models import AssessmentCycle, BranchAssessment


def _cycle(user, ref):
    return get_object_or_404(
        AssessmentCycle.objects.visible_to(user, "view").select_related("root"),
        pk=int(ref) if str(ref).isdigit() else 0,
    )


def _build(cycle, *, user, issued):
    rows = (
        BranchAssessment.objects.visible_to(user, "view")
        .filter(cycle=cycle)
        .select_related("organization__parent", "grade")
        .order_by("-grade__min_score", "-final_total", "organization__path")
    )
    return documents.result_notice(cycle, list(rows), issued=issued)


def register_kinds() -> None:
    register(
        DocumentKind(
            name="assessment_result",
            label=_("Four-strong result notice"),
            find=_cycle,
            build=_build,
            filename=lambda cycle: f"四强党支部考评结果通知-{cycle.year}",
            numbered=lambda cycle, user: Numbering(cycle.root, documents.result_notice_title(cycle), obj=cycle),
            may_number=lambda user, cycle: (
                Organization.objects.visible_to(user, "assessment.manage").filter(pk=cycle.root_id).exists()
            ),
        )
    )
