"""A branch's self-assessment: scores and notes, evidence (files, links, meetings), consistency
warnings, submission."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.links import link_kind
from branches.uploads import store_upload

from .. import scoring, selectors, windows
from ..models import (
    AssessmentStatus,
    BranchAssessment,
    CycleStatus,
    Evidence,
    IndicatorResult,
    Method,
)
from .common import ASSESSMENT_FIELDS, EVIDENCE_FIELDS, RESULT_FIELDS, _now, _require


def _editable_by_secretary(assessment: BranchAssessment, now=None):
    if assessment.cycle.status != CycleStatus.OPEN or assessment.status not in (
        AssessmentStatus.DRAFT,
        AssessmentStatus.RETURNED,
    ):
        raise ValidationError(_("This self-assessment has been submitted and can no longer be changed."))
    windows.require_self_window(assessment.cycle, assessment.status, now)


def _sum(scores) -> Decimal:
    return sum((s for s in scores if s is not None), Decimal("0"))


@transaction.atomic
def save_self_assessment(*, actor, assessment: BranchAssessment, entries: dict, now=None) -> BranchAssessment:
    """``entries``: {result_id: {"input": {...}, "note": "..."}}. Computed results take their stored value."""
    _require(actor, "assessment.self", assessment.organization)
    assessment = (
        BranchAssessment.objects.select_for_update().select_related("cycle", "organization").get(pk=assessment.pk)
    )
    _editable_by_secretary(assessment, now)
    results = {r.pk: r for r in assessment.results.select_related("indicator")}
    errors = {}
    changed = []
    before = {}
    for result_id, entry in entries.items():
        r = results.get(int(result_id))
        if r is None:
            raise ValidationError(_("An indicator in the form does not belong to this assessment."))
        before[str(r.pk)] = audit.snapshot(r, RESULT_FIELDS)
        data = entry.get("input") or {}
        try:
            value = r.computed_value if r.indicator.method == Method.COMPUTED else None
            r.self_score = scoring.score(r.indicator, data, computed_value=value)
        except ValidationError as exc:
            errors[f"r{r.pk}"] = exc.messages
            continue
        r.self_input = data
        r.self_note = (entry.get("note") or "")[:2000]
        changed.append(r)
    if errors:
        raise ValidationError(errors)
    # Computed indicators nobody overrode take the stored value (pre-filled).
    for r in results.values():
        if r.indicator.method == Method.COMPUTED and r not in changed and not (r.self_input or {}).get("manual"):
            r.self_score = r.computed_points
            changed.append(r)
    IndicatorResult.objects.bulk_update(changed, ["self_input", "self_score", "self_note"])
    assessment.self_total = _sum(r.self_score for r in results.values() if r.indicator.method != Method.VETO)
    assessment.save(update_fields=["self_total"])
    audit.record(
        actor,
        "assessment.self_saved",
        assessment,
        before=before,
        after={str(r.pk): audit.snapshot(r, RESULT_FIELDS) for r in changed},
    )
    return assessment


@transaction.atomic
def add_evidence(
    *, actor, result: IndicatorResult, file=None, link: str = "", title: str = "", dated=None, now=None
) -> Evidence:
    assessment = result.assessment
    _require(actor, "assessment.self", assessment.organization)
    _editable_by_secretary(assessment, now)
    link = (link or "").strip()
    if file is None and not link:
        raise ValidationError(_("Attach a file or give a link to a record."))
    if link and link_kind(link) is None:
        raise ValidationError(_("A link must be a page of the portal (/…) or an http(s):// address with a host."))
    evidence = Evidence(result=result, link=link, title=(title or "")[:200], dated=dated)
    if file is not None:
        store_upload(evidence, file, kinds=("image", "document"), user=actor)
    else:
        evidence.original_name = (title or link)[:200]
    evidence.save()
    audit.record(actor, "assessment.evidence_added", evidence, after=audit.snapshot(evidence, EVIDENCE_FIELDS))
    return evidence


@transaction.atomic
def remove_evidence(*, actor, evidence: Evidence, now=None) -> None:
    assessment = evidence.result.assessment
    _require(actor, "assessment.self", assessment.organization)
    _editable_by_secretary(assessment, now)
    audit.record(actor, "assessment.evidence_removed", evidence, before=audit.snapshot(evidence, EVIDENCE_FIELDS))
    evidence.delete()


@transaction.atomic
def link_meetings(*, actor, result: IndicatorResult, meeting_ids, now=None) -> list[Evidence]:
    """Link meeting records of the branch (its own and its party groups', held in the cycle's year) as evidence.

    All or nothing: an id that is not such a meeting refuses the whole request. A meeting already linked
    to this indicator is skipped. Returns the evidence created.
    """
    assessment = result.assessment
    _require(actor, "assessment.self", assessment.organization)
    _editable_by_secretary(assessment, now)
    try:
        ids = {int(i) for i in meeting_ids}
    except (TypeError, ValueError):
        raise ValidationError(_("Choose meetings from the list.")) from None
    if not ids:
        raise ValidationError(_("Choose at least one meeting."))
    meetings = list(selectors.meetings_for_evidence(assessment, actor).filter(pk__in=ids))
    if len(meetings) != len(ids):
        raise ValidationError(
            _("A chosen meeting is not a record of %(org)s in %(year)s; nothing was linked.")
            % {"org": assessment.organization.name, "year": assessment.cycle.year}
        )
    linked = set(result.evidence.filter(meeting_id__in=ids).values_list("meeting_id", flat=True))
    created = []
    for m in sorted(meetings, key=lambda m: (m.start, m.pk)):
        if m.pk in linked:
            continue
        evidence = Evidence.objects.create(
            result=result,
            meeting=m,
            title=f"{m.get_kind_display()} · {m.title}"[:200],
            link=reverse("meetings:meeting_detail", args=[m.pk]),
            dated=timezone.localdate(m.start),
            original_name=m.title[:200],
        )
        audit.record(actor, "assessment.meeting_linked", evidence, after=audit.snapshot(evidence, EVIDENCE_FIELDS))
        created.append(evidence)
    return created


def consistency_warnings(assessment: BranchAssessment) -> list[dict]:
    """Checks before submitting.

    Full marks without evidence, evidence dated outside the year, self-scores contradicting computed values.
    """
    year = assessment.cycle.year
    warnings = []
    results = assessment.results.select_related("indicator").prefetch_related("evidence")
    for r in results:
        ind = r.indicator
        evidence = list(r.evidence.all())
        if r.self_score is None and ind.method not in (Method.VETO,):
            warnings.append({"result": r, "kind": "missing", "message": _("No score given yet.")})
        full = r.self_score is not None and ind.max_score > 0 and r.self_score >= ind.max_score
        if full and not evidence and (ind.method != Method.COMPUTED or r.computed_value is None):
            warnings.append(
                {"result": r, "kind": "no_evidence", "message": _("Full marks claimed without any evidence.")}
            )
        for e in evidence:
            if e.dated and e.dated.year != year:
                warnings.append(
                    {
                        "result": r,
                        "kind": "evidence_date",
                        "message": _("Evidence “%(title)s” is dated %(date)s, outside %(year)s.")
                        % {"title": e, "date": e.dated.isoformat(), "year": year},
                    }
                )
        computed = ind.method == Method.COMPUTED and r.computed_points is not None and r.self_score is not None
        if computed and r.self_score != r.computed_points:
            warnings.append(
                {
                    "result": r,
                    "kind": "contradicts_computed",
                    "message": _("The self-score %(score)s contradicts the computed value (%(points)s points).")
                    % {"score": r.self_score, "points": r.computed_points},
                }
            )
    return warnings


@transaction.atomic
def submit_self_assessment(*, actor, assessment: BranchAssessment, confirm: bool = False, now=None):
    _require(actor, "assessment.self", assessment.organization)
    assessment = (
        BranchAssessment.objects.select_for_update().select_related("cycle", "organization").get(pk=assessment.pk)
    )
    _editable_by_secretary(assessment, now)
    warnings = consistency_warnings(assessment)
    missing = [w for w in warnings if w["kind"] == "missing"]
    if missing:
        raise ValidationError(
            _("Score every indicator before submitting: %(names)s.")
            % {"names": "、".join(w["result"].indicator.name for w in missing)}
        )
    if warnings and not confirm:
        raise ValidationError(_("The consistency checks found problems; fix them or confirm that you submit anyway."))
    before = audit.snapshot(assessment, ASSESSMENT_FIELDS)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = _now(now)
    assessment.return_reason = ""
    assessment.save(update_fields=["status", "submitted_at", "return_reason"])
    audit.record(
        actor,
        "assessment.self_submitted",
        assessment,
        before=before,
        after={**audit.snapshot(assessment, ASSESSMENT_FIELDS), "warnings": [w["message"] for w in warnings]},
    )
    return assessment
