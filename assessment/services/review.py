"""The unit's review of a submitted self-assessment: scores, vetoes, sending it back."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit

from .. import windows
from ..models import (
    AssessmentStatus,
    BranchAssessment,
    CycleStatus,
    IndicatorResult,
    Method,
)
from .common import ASSESSMENT_FIELDS, RESULT_FIELDS, _now, _require
from .self_assessment import _sum


def _reviewable(assessment, now=None):
    if assessment.cycle.status != CycleStatus.OPEN or assessment.status not in (
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.REVIEWED,
    ):
        raise ValidationError(_("Only a submitted self-assessment can be reviewed."))
    windows.require_review_window(assessment.cycle, now)


@transaction.atomic
def review_assessment(*, actor, assessment: BranchAssessment, scores: dict, now=None) -> BranchAssessment:
    """``scores``: {result_id: {"score": "8", "veto": bool, "reason": "..."}}; every indicator needs a score."""
    _require(actor, "assessment.review", assessment.organization)
    assessment = (
        BranchAssessment.objects.select_for_update()
        .select_related("cycle__system", "organization")
        .get(pk=assessment.pk)
    )
    _reviewable(assessment, now)
    margin = assessment.cycle.system.review_margin
    results = list(assessment.results.select_related("indicator"))
    errors = {}
    before = {str(r.pk): audit.snapshot(r, RESULT_FIELDS) for r in results}
    for r in results:
        entry = scores.get(r.pk) or scores.get(str(r.pk)) or {}
        ind = r.indicator
        reason = (entry.get("reason") or "").strip()
        if ind.method == Method.VETO:
            r.review_veto = bool(entry.get("veto"))
            r.review_score = Decimal("0")
            r.review_reason = reason
            if r.review_veto != r.self_vetoed and not reason:
                errors[f"r{r.pk}"] = [_("Give a reason: your veto decision differs from the self-assessment.")]
            continue
        raw = entry.get("score")
        if raw in (None, ""):
            errors[f"r{r.pk}"] = [_("Enter a score.")]
            continue
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            errors[f"r{r.pk}"] = [_("Enter a number.")]
            continue
        if value < 0 or value > ind.max_score:
            errors[f"r{r.pk}"] = [_("The score must be between 0 and %(max)s.") % {"max": ind.max_score}]
            continue
        if r.self_score is not None and abs(value - r.self_score) > margin and not reason:
            errors[f"r{r.pk}"] = [
                _("Give a reason: your score differs from the self-score by more than %(margin)s.") % {"margin": margin}
            ]
            continue
        r.review_score = value
        r.review_reason = reason
    if errors:
        raise ValidationError(errors)
    IndicatorResult.objects.bulk_update(results, ["review_score", "review_veto", "review_reason"])
    a_before = audit.snapshot(assessment, ASSESSMENT_FIELDS)
    assessment.review_total = _sum(r.review_score for r in results if r.indicator.method != Method.VETO)
    assessment.status = AssessmentStatus.REVIEWED
    assessment.reviewed_at = _now(now)
    assessment.reviewed_by = actor if getattr(actor, "pk", None) else None
    assessment.save(update_fields=["review_total", "status", "reviewed_at", "reviewed_by"])
    audit.record(
        actor,
        "assessment.reviewed",
        assessment,
        before={"assessment": a_before, "results": before},
        after={
            "assessment": audit.snapshot(assessment, ASSESSMENT_FIELDS),
            "results": {str(r.pk): audit.snapshot(r, RESULT_FIELDS) for r in results},
        },
    )
    return assessment


@transaction.atomic
def send_back(*, actor, assessment: BranchAssessment, reason: str, now=None) -> BranchAssessment:
    _require(actor, "assessment.review", assessment.organization)
    assessment = (
        BranchAssessment.objects.select_for_update().select_related("cycle", "organization").get(pk=assessment.pk)
    )
    _reviewable(assessment, now)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what the branch should change."))
    before = audit.snapshot(assessment, ASSESSMENT_FIELDS + ["return_reason"])
    assessment.status = AssessmentStatus.RETURNED
    assessment.return_reason = reason
    assessment.save(update_fields=["status", "return_reason"])
    audit.record(
        actor,
        "assessment.sent_back",
        assessment,
        before=before,
        after=audit.snapshot(assessment, ASSESSMENT_FIELDS + ["return_reason"]),
    )
    return assessment
