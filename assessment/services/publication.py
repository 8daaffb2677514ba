"""Calibration (grades, the quota on the top grade), publication of results, appeals, finalising a
cycle, honours."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organization

from .. import scoring, windows
from ..models import (
    Appeal,
    AppealStatus,
    AssessmentCycle,
    AssessmentStatus,
    BranchAssessment,
    CycleStatus,
    Honor,
    IndicatorResult,
    Method,
)
from .common import ASSESSMENT_FIELDS, RESULT_FIELDS, _now, _require
from .cycles import _refresh_computed
from .self_assessment import _sum


def _final_score(r: IndicatorResult) -> Decimal | None:
    if r.indicator.method == Method.COMPUTED and r.computed_points is not None:
        return r.computed_points
    return r.review_score if r.review_score is not None else r.self_score


def _vetoed(results, reviewed: bool) -> bool:
    vetoes = [r for r in results if r.indicator.method == Method.VETO]
    if reviewed:
        return any(r.review_veto for r in vetoes)
    return any(r.self_vetoed for r in vetoes)


def apply_quota(rows, quota_percent, top_grade, next_grade):
    """Within each parent organisation keep the top grade to ``floor(n × quota%)`` branches.

    ``rows``: objects with ``organization.parent_id``, ``final_total``, ``grade``, ``quota_demoted``.
    Branches beyond the share (lowest totals first) move to the next grade.
    """
    if quota_percent is None or top_grade is None or next_grade is None:
        return
    by_parent = defaultdict(list)
    for a in rows:
        by_parent[a.organization.parent_id].append(a)
    for group in by_parent.values():
        allowed = len(group) * quota_percent // 100
        tops = sorted(
            (a for a in group if a.grade == top_grade), key=lambda a: (-(a.final_total or 0), a.organization_id)
        )
        for a in tops[allowed:]:
            a.grade = next_grade
            a.quota_demoted = True


def _grade_assessment(a, results, grades):
    reviewed = a.reviewed_at is not None
    for r in results:
        r.final_score = _final_score(r) if r.indicator.method != Method.VETO else Decimal("0")
    a.vetoed = _vetoed(results, reviewed)
    a.final_total = _sum(r.final_score for r in results if r.indicator.method != Method.VETO)
    a.grade = scoring.grade_for(a.final_total, grades, vetoed=a.vetoed)
    a.quota_demoted = False


@transaction.atomic
def start_calibration(*, actor, cycle: AssessmentCycle, now=None) -> AssessmentCycle:
    """Freeze computed values, take final scores and propose grades (thresholds, veto, quota)."""
    _require(actor, "assessment.calibrate", cycle.root)
    cycle = AssessmentCycle.objects.select_for_update().select_related("system", "root").get(pk=cycle.pk)
    if cycle.status not in (CycleStatus.OPEN, CycleStatus.CALIBRATION):
        raise ValidationError(_("Grades can only be calibrated before they are published."))
    now = _now(now)
    windows.require_calibration_window(cycle, now)
    if not cycle.frozen_at:
        _refresh_computed(cycle, now=now)
        cycle.frozen_at = now
    grades = list(cycle.system.grades.all())
    ordered = sorted(grades, key=lambda g: g.min_score, reverse=True)
    assessments = list(cycle.assessments.select_related("organization"))
    by_assessment = defaultdict(list)
    for r in IndicatorResult.objects.filter(assessment__cycle=cycle).select_related("indicator"):
        by_assessment[r.assessment_id].append(r)
    before = {str(a.pk): audit.snapshot(a, ASSESSMENT_FIELDS) for a in assessments}
    for a in assessments:
        _grade_assessment(a, by_assessment[a.pk], grades)
        a.status = AssessmentStatus.GRADED
    apply_quota(
        assessments,
        cycle.system.top_quota_percent,
        ordered[0] if ordered else None,
        ordered[1] if len(ordered) > 1 else None,
    )
    IndicatorResult.objects.bulk_update(
        [r for rs in by_assessment.values() for r in rs], ["final_score"], batch_size=2000
    )
    BranchAssessment.objects.bulk_update(
        assessments, ["vetoed", "final_total", "grade", "quota_demoted", "status"], batch_size=1000
    )
    cycle.status = CycleStatus.CALIBRATION
    cycle.save(update_fields=["status", "frozen_at"])
    audit.record(
        actor,
        "assessment.calibrated",
        cycle,
        organization=cycle.root,
        before=before,
        after={str(a.pk): audit.snapshot(a, ASSESSMENT_FIELDS) for a in assessments},
    )
    return cycle


@transaction.atomic
def publish_results(*, actor, cycle: AssessmentCycle, now=None) -> AssessmentCycle:
    _require(actor, "assessment.calibrate", cycle.root)
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.CALIBRATION:
        raise ValidationError(_("Calibrate the grades before publishing them."))
    now = _now(now)
    windows.require_calibration_window(cycle, now)
    before = audit.snapshot(cycle)
    cycle.status = CycleStatus.NOTICE
    cycle.published_at = now
    cycle.save(update_fields=["status", "published_at"])
    cycle.assessments.update(status=AssessmentStatus.PUBLISHED)
    audit.record(
        actor, "assessment.published", cycle, organization=cycle.root, before=before, after=audit.snapshot(cycle)
    )
    return cycle


@transaction.atomic
def file_appeal(*, actor, result: IndicatorResult, reason: str, now=None) -> Appeal:
    assessment = result.assessment
    _require(actor, "assessment.self", assessment.organization)
    cycle = assessment.cycle
    now = _now(now)
    if cycle.status != CycleStatus.NOTICE or timezone.localdate(now) > cycle.appeal_until:
        raise ValidationError(_("Appeals are accepted only during the notice and appeal period."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the result of this indicator should change."))
    if result.appeals.filter(status=AppealStatus.PENDING).exists():
        raise ValidationError(_("An appeal on this indicator is already waiting for a decision."))
    appeal = Appeal.objects.create(
        result=result, reason=reason, filed_by=actor if getattr(actor, "pk", None) else None, filed_at=now
    )
    audit.record(actor, "assessment.appeal_filed", appeal, after=audit.snapshot(appeal))
    return appeal


@transaction.atomic
def decide_appeal(*, actor, appeal: Appeal, accept: bool, decision: str, new_score=None, now=None) -> Appeal:
    result = appeal.result
    assessment = result.assessment
    cycle = assessment.cycle
    _require(actor, "assessment.calibrate", cycle.root)
    if appeal.status != AppealStatus.PENDING or cycle.status != CycleStatus.NOTICE:
        raise ValidationError(_("This appeal has been decided already."))
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError(_("Record the decision and its reason."))
    before = {"appeal": audit.snapshot(appeal), "result": audit.snapshot(result, RESULT_FIELDS)}
    if accept:
        try:
            value = Decimal(str(new_score))
        except ArithmeticError:
            raise ValidationError(_("Enter the corrected score.")) from None
        if value < 0 or value > result.indicator.max_score:
            raise ValidationError(_("The score must be between 0 and %(max)s.") % {"max": result.indicator.max_score})
        result.final_score = value
        result.save(update_fields=["final_score"])
        results = list(assessment.results.select_related("indicator"))
        assessment.final_total = _sum(r.final_score for r in results if r.indicator.method != Method.VETO)
        assessment.grade = scoring.grade_for(
            assessment.final_total, list(cycle.system.grades.all()), vetoed=assessment.vetoed
        )
        assessment.save(update_fields=["final_total", "grade"])
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.decision = decision
    appeal.decided_by = actor if getattr(actor, "pk", None) else None
    appeal.decided_at = _now(now)
    appeal.save(update_fields=["status", "decision", "decided_by", "decided_at"])
    audit.record(
        actor,
        "assessment.appeal_decided",
        appeal,
        before=before,
        after={"appeal": audit.snapshot(appeal), "result": audit.snapshot(result, RESULT_FIELDS)},
    )
    return appeal


@transaction.atomic
def finalize_cycle(*, actor, cycle: AssessmentCycle, now=None) -> AssessmentCycle:
    _require(actor, "assessment.calibrate", cycle.root)
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.NOTICE:
        raise ValidationError(_("Only published results can be made final."))
    windows.require_appeals_over(cycle, now)
    if Appeal.objects.filter(result__assessment__cycle=cycle, status=AppealStatus.PENDING).exists():
        raise ValidationError(_("Decide every pending appeal before making the results final."))
    before = audit.snapshot(cycle)
    cycle.status = CycleStatus.FINAL
    cycle.finalized_at = _now(now)
    cycle.save(update_fields=["status", "finalized_at"])
    cycle.assessments.update(status=AssessmentStatus.FINAL)
    audit.record(
        actor, "assessment.finalized", cycle, organization=cycle.root, before=before, after=audit.snapshot(cycle)
    )
    return cycle


@transaction.atomic
def name_honor(*, actor, cycle: AssessmentCycle, organization: Organization, kind: str, citation: str) -> Honor:
    _require(actor, "assessment.manage", cycle.root)
    cycle = AssessmentCycle.objects.get(pk=cycle.pk)
    if cycle.status not in (CycleStatus.NOTICE, CycleStatus.FINAL):
        raise ValidationError(_("Name model units from published results."))
    if not organization.is_descendant_of(cycle.root):
        raise ValidationError(_("This organisation is not part of the cycle."))
    citation = (citation or "").strip()
    if not citation:
        raise ValidationError(_("Write the citation."))
    if Honor.objects.filter(cycle=cycle, organization=organization, kind=kind).exists():
        raise ValidationError(_("This organisation already holds this title in this cycle."))
    honor = Honor.objects.create(
        cycle=cycle,
        organization=organization,
        kind=kind,
        citation=citation,
        named_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "assessment.honor_named", honor, after=audit.snapshot(honor))
    return honor
