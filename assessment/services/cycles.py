"""Assessment cycles: open one over a published system, recompute and freeze the computed
indicators, close and reschedule the windows."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit, metric_registry
from branches.models import Organization, OrganizationKind
from branches.periods import period_containing

from .. import scoring, windows
from ..models import (
    AssessmentCycle,
    BranchAssessment,
    CycleStatus,
    Indicator,
    IndicatorResult,
    IndicatorSystem,
    Method,
)
from .common import EDITABLE, _now, _require


@transaction.atomic
def open_cycle(
    *,
    actor,
    system: IndicatorSystem,
    root: Organization,
    name: str,
    self_due: datetime.date,
    review_due: datetime.date,
    cutoff: datetime.date,
    calibration_due: datetime.date,
    notice_until: datetime.date,
    appeal_until: datetime.date,
    opens_on: datetime.date | None = None,
    now=None,
) -> AssessmentCycle:
    _require(actor, "assessment.manage", root)
    if not system.is_frozen:
        raise ValidationError(_("Publish the indicator system before opening a cycle."))
    opens_on = opens_on or windows.today_of(_now(now))
    check_windows(
        opens_on=opens_on,
        self_due=self_due,
        review_due=review_due,
        calibration_due=calibration_due,
        notice_until=notice_until,
        appeal_until=appeal_until,
    )
    cycle = AssessmentCycle.objects.create(
        system=system,
        root=root,
        year=system.year,
        name=name,
        opens_on=opens_on,
        self_due=self_due,
        review_due=review_due,
        cutoff=cutoff,
        calibration_due=calibration_due,
        notice_until=notice_until,
        appeal_until=appeal_until,
    )
    branches = list(Organization.objects.subtree_of(root).filter(kind=OrganizationKind.BRANCH, is_active=True))
    if not branches:
        raise ValidationError(_("There is no branch under %(org)s to assess.") % {"org": root})
    BranchAssessment.objects.bulk_create(BranchAssessment(cycle=cycle, organization=b) for b in branches)
    indicators = list(Indicator.objects.filter(dimension__system=system))
    assessments = list(cycle.assessments.all())
    IndicatorResult.objects.bulk_create(
        (IndicatorResult(assessment=a, indicator=i) for a in assessments for i in indicators), batch_size=2000
    )
    _refresh_computed(cycle, now=_now(now))
    audit.record(
        actor,
        "assessment.cycle_opened",
        cycle,
        organization=root,
        after={**audit.snapshot(cycle), "branches": len(branches)},
    )
    return cycle


def _metric_values(cycle: AssessmentCycle):
    """{indicator_id: (metric | None, {org_id: value})} for the cycle's computed indicators."""
    period = period_containing("year", datetime.date(cycle.year, 1, 1))
    orgs = [a.organization for a in cycle.assessments.select_related("organization")]
    out = {}
    for indicator in Indicator.objects.filter(dimension__system=cycle.system, method=Method.COMPUTED):
        try:
            metric = metric_registry.get(indicator.metric_name)
        except KeyError:
            out[indicator.pk] = (None, {}, period, orgs)
            continue
        out[indicator.pk] = (metric, metric.values(orgs, period), period, orgs)
    return out


def recompute_diff(cycle: AssessmentCycle) -> list[dict]:
    """What recomputing now would change: rows of result, stored and live value/points. Saves nothing."""
    live = _metric_values(cycle)
    rows = []
    results = IndicatorResult.objects.filter(assessment__cycle=cycle, indicator_id__in=live).select_related(
        "indicator", "assessment__organization"
    )
    for r in results:
        metric, values, _p, _o = live[r.indicator_id]
        value = values.get(r.assessment.organization_id) if metric else None
        points = scoring.points_from_table(r.indicator.config.get("table"), value)
        if points is not None:
            points = min(points, r.indicator.max_score)
        if value != r.computed_value or points != r.computed_points:
            rows.append(
                {
                    "result": r,
                    "old_value": r.computed_value,
                    "new_value": value,
                    "old_points": r.computed_points,
                    "new_points": points,
                }
            )
    return rows


def _refresh_computed(cycle: AssessmentCycle, *, now) -> int:
    live = _metric_values(cycle)
    changed = []
    results = IndicatorResult.objects.filter(assessment__cycle=cycle, indicator_id__in=live).select_related(
        "indicator", "assessment__organization"
    )
    for r in results:
        metric, values, period, _orgs = live[r.indicator_id]
        if metric is None:
            r.computed_value = None
            r.computed_points = None
            r.computed_source = _("Data not available: the metric %(name)s is not provided yet.") % {
                "name": r.indicator.metric_name
            }
            r.computed_url = ""
        else:
            value = values.get(r.assessment.organization_id)
            r.computed_value = value
            points = scoring.points_from_table(r.indicator.config.get("table"), value)
            r.computed_points = min(points, r.indicator.max_score) if points is not None else None
            r.computed_source = f"{metric.label}: {value if value is not None else '—'}{metric.unit} ({period.label})"
            r.computed_url = metric.drill_url(r.assessment.organization, period) if metric.drill_url else ""
        r.computed_at = now
        # Pre-fill the self-score of branches still filling in, unless the secretary overrode it.
        if r.assessment.status in EDITABLE and not (r.self_input or {}).get("manual"):
            r.self_score = r.computed_points
        changed.append(r)
    IndicatorResult.objects.bulk_update(
        changed,
        ["computed_value", "computed_points", "computed_source", "computed_url", "computed_at", "self_score"],
        batch_size=1000,
    )
    return len(changed)


@transaction.atomic
def recompute(*, actor, cycle: AssessmentCycle, now=None) -> int:
    """Take the live values again (allowed until calibration starts); the diff is audited."""
    _require(actor, "assessment.calibrate", cycle.root)
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError(_("Computed values are final once calibration has started."))
    diff = recompute_diff(cycle)
    count = _refresh_computed(cycle, now=_now(now))
    audit.record(
        actor,
        "assessment.recomputed",
        cycle,
        organization=cycle.root,
        before={str(d["result"].pk): d["old_points"] for d in diff},
        after={str(d["result"].pk): d["new_points"] for d in diff},
    )
    return count


@transaction.atomic
def freeze_computed(*, actor, cycle: AssessmentCycle, now=None) -> AssessmentCycle:
    """At the cut-off: take the values one last time and keep them for good."""
    _require(actor, "assessment.calibrate", cycle.root)
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.frozen_at:
        return cycle
    now = _now(now)
    _refresh_computed(cycle, now=now)
    cycle.frozen_at = now
    cycle.save(update_fields=["frozen_at"])
    audit.record(actor, "assessment.computed_frozen", cycle, organization=cycle.root, after={"frozen_at": now})
    return cycle


WINDOW_FIELDS = [
    "status",
    "opens_on",
    "self_due",
    "review_due",
    "cutoff",
    "calibration_due",
    "notice_until",
    "appeal_until",
    "self_closed_at",
    "review_closed_at",
]


@transaction.atomic
def close_window(*, actor, cycle: AssessmentCycle, now=None) -> str:
    """The committee closes the self-assessment or the review window before its date; the next one opens.

    Returns the code of the window closed. Calibration ends when the results are published; the notice
    and appeal window belongs to the branches and is never shortened.
    """
    _require(actor, "assessment.manage", cycle.root)
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    now = _now(now)
    code = windows.current(cycle, now)
    before = audit.snapshot(cycle, WINDOW_FIELDS)
    if code == windows.SELF:
        cycle.self_closed_at = now
    elif code == windows.REVIEW:
        cycle.review_closed_at = now
    else:
        raise ValidationError(_("Only an open self-assessment or review window can be closed early."))
    cycle.save(update_fields=["self_closed_at", "review_closed_at"])
    audit.record(
        actor,
        "assessment.window_closed",
        cycle,
        organization=cycle.root,
        before=before,
        after={**audit.snapshot(cycle, WINDOW_FIELDS), "window": code},
    )
    return code


def check_windows(*, opens_on, self_due, review_due, calibration_due, notice_until, appeal_until) -> None:
    """No window ends before it starts, and the windows follow each other."""
    if self_due < opens_on:
        raise ValidationError(
            _("The self-assessment window cannot close (%(end)s) before it opens (%(start)s).")
            % {"end": self_due.isoformat(), "start": opens_on.isoformat()}
        )
    if not (self_due <= review_due <= calibration_due <= notice_until <= appeal_until):
        raise ValidationError(
            _("The windows must follow each other: self-assessment, review, calibration, notice, appeal.")
        )


DATE_FIELDS = ["self_due", "review_due", "cutoff", "calibration_due", "notice_until", "appeal_until"]


@transaction.atomic
def reschedule_cycle(*, actor, cycle: AssessmentCycle, now=None, **dates) -> AssessmentCycle:
    """Move the dates of a running cycle (typically an extension).

    A date is never moved into the past (close a window early instead), windows stay in order, the dates of
    a stage already over stay as they were, and extending a window closed early opens it again.
    """
    _require(actor, "assessment.manage", cycle.root)
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    today = windows.today_of(_now(now))
    unknown = set(dates) - set(DATE_FIELDS)
    if unknown:
        raise ValueError(f"reschedule_cycle does not move {sorted(unknown)}")
    if cycle.status == CycleStatus.FINAL:
        raise ValidationError(_("The results are final; the dates can no longer change."))
    changed = {k: v for k, v in dates.items() if v is not None and v != getattr(cycle, k)}
    if not changed:
        return cycle
    locked = {
        "self_due": cycle.status != CycleStatus.OPEN,
        "review_due": cycle.status != CycleStatus.OPEN,
        "cutoff": cycle.frozen_at is not None,
        "calibration_due": cycle.status not in (CycleStatus.OPEN, CycleStatus.CALIBRATION),
        "notice_until": False,
        "appeal_until": False,
    }
    labels = {
        "self_due": _("Self-assessment closes"),
        "review_due": _("Review closes"),
        "cutoff": _("Data cut-off"),
        "calibration_due": _("Calibration closes"),
        "notice_until": _("Public notice until"),
        "appeal_until": _("Appeals until"),
    }
    errors = []
    for field, value in changed.items():
        if locked[field]:
            errors.append(_("%(what)s: that stage is over, its date stays.") % {"what": labels[field]})
        elif value < today:
            errors.append(
                _("%(what)s: a date cannot be moved into the past (%(date)s).")
                % {"what": labels[field], "date": value.isoformat()}
            )
    new = {k: dates.get(k) or getattr(cycle, k) for k in DATE_FIELDS}
    try:
        check_windows(opens_on=windows.opens_on(cycle), **{k: v for k, v in new.items() if k != "cutoff"})
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(cycle, WINDOW_FIELDS)
    for field, value in changed.items():
        setattr(cycle, field, value)
    # Extending a window the committee closed early opens it again.
    if "self_due" in changed and cycle.self_closed_at:
        cycle.self_closed_at = None
    if "review_due" in changed and cycle.review_closed_at:
        cycle.review_closed_at = None
    cycle.save(update_fields=[*changed, "self_closed_at", "review_closed_at"])
    audit.record(
        actor,
        "assessment.cycle_rescheduled",
        cycle,
        organization=cycle.root,
        before=before,
        after=audit.snapshot(cycle, WINDOW_FIELDS),
    )
    return cycle
