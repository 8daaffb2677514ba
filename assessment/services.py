"""Every state change of the assessment: one transaction, keyword-only ``actor``, audited."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit, metric_registry
from branches.links import link_kind
from branches.models import Organization, OrganizationKind
from branches.periods import period_containing
from branches.uploads import store_upload

from . import params, scoring, selectors, windows
from .models import (
    Appeal,
    AppealStatus,
    AssessmentCycle,
    AssessmentStatus,
    BranchAssessment,
    CycleStatus,
    Dimension,
    Evidence,
    GradeThreshold,
    Honor,
    Indicator,
    IndicatorResult,
    IndicatorSystem,
    Method,
    SystemStatus,
)

SYSTEM_FIELDS = ["year", "version", "name", "status", "top_quota_percent", "review_margin"]
ASSESSMENT_FIELDS = ["status", "self_total", "review_total", "final_total", "vetoed", "grade", "quota_demoted"]
EDITABLE = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)
EVIDENCE_FIELDS = ["result", "title", "link", "dated", "meeting", "original_name", "content_type", "size", "sha256"]
RESULT_FIELDS = ["self_input", "self_score", "self_note", "review_score", "review_veto", "review_reason", "final_score"]


def _require(actor, permission: str, organization: Organization) -> None:
    if actor is audit.SYSTEM or getattr(actor, "is_superuser", False):
        return
    if not Organization.objects.visible_to(actor, permission).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this for %(org)s.") % {"org": organization})


def _now(now):
    return now or timezone.now()


# ---------------------------------------------------------------- indicator systems


def _require_manager(actor):
    root = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        raise ValidationError(_("The organisation tree is empty."))
    _require(actor, "assessment.manage", root)


@transaction.atomic
def publish_system(*, actor, system: IndicatorSystem, now=None) -> IndicatorSystem:
    _require_manager(actor)
    system = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    if system.is_frozen:
        raise ValidationError(_("This indicator system is already published."))
    indicators = list(Indicator.objects.filter(dimension__system=system))
    if not indicators:
        raise ValidationError(_("Add indicators before publishing."))
    if not system.grades.exists():
        raise ValidationError(_("Set the grade thresholds before publishing."))
    problems = []
    for indicator in indicators:
        for problem in params.problems(indicator.method, indicator.config, indicator.max_score):
            problems.append(f"{indicator.code} {indicator.name}: {problem}")
    top = system.grades.order_by("-min_score").first()
    highest = _sum(i.max_score for i in indicators)
    if top.min_score > highest:
        problems.append(
            _("%(label)s needs %(score)s, more than the highest possible total of %(max)s.")
            % {"label": top.label, "score": params.fmt(top.min_score), "max": params.fmt(highest)}
        )
    if problems:
        raise ValidationError(problems)
    before = audit.snapshot(system, SYSTEM_FIELDS)
    system.status = SystemStatus.PUBLISHED
    system.published_at = _now(now)
    system.save(update_fields=["status", "published_at"])
    audit.record(
        actor, "assessment.system_published", system, before=before, after=audit.snapshot(system, SYSTEM_FIELDS)
    )
    return system


def _copy_system(system: IndicatorSystem, *, year: int, version: int, name: str) -> IndicatorSystem:
    new = IndicatorSystem.objects.create(
        year=year,
        version=version,
        name=name,
        top_quota_percent=system.top_quota_percent,
        review_margin=system.review_margin,
        based_on=system,
    )
    for dim in system.dimensions.prefetch_related("indicators"):
        new_dim = Dimension.objects.create(system=new, code=dim.code, name=dim.name, order=dim.order)
        Indicator.objects.bulk_create(
            Indicator(
                dimension=new_dim,
                code=i.code,
                name=i.name,
                max_score=i.max_score,
                guidance=i.guidance,
                required_evidence=i.required_evidence,
                method=i.method,
                config=i.config,
                order=i.order,
            )
            for i in dim.indicators.all()
        )
    GradeThreshold.objects.bulk_create(
        GradeThreshold(system=new, code=g.code, label=g.label, min_score=g.min_score) for g in system.grades.all()
    )
    return new


@transaction.atomic
def new_version(*, actor, system: IndicatorSystem) -> IndicatorSystem:
    """A published system is never edited in place: changes go into a new draft version."""
    _require_manager(actor)
    last = IndicatorSystem.objects.filter(year=system.year).order_by("-version").first()
    new = _copy_system(system, year=system.year, version=last.version + 1, name=system.name)
    audit.record(actor, "assessment.system_versioned", new, after=audit.snapshot(new, SYSTEM_FIELDS))
    return new


@transaction.atomic
def copy_system_to_year(*, actor, system: IndicatorSystem, year: int) -> IndicatorSystem:
    """Start a new year's draft from an existing system ("copy last year's")."""
    _require_manager(actor)
    if IndicatorSystem.objects.filter(year=year).exists():
        raise ValidationError(
            _("An indicator system for %(year)s exists already; make a new version of it.") % {"year": year}
        )
    name = system.name.replace(str(system.year), str(year))
    new = _copy_system(system, year=year, version=1, name=name)
    audit.record(actor, "assessment.system_copied", new, after=audit.snapshot(new, SYSTEM_FIELDS))
    return new


INDICATOR_FIELDS = [
    "dimension",
    "code",
    "name",
    "max_score",
    "method",
    "config",
    "guidance",
    "required_evidence",
    "order",
]


def _require_draft(system: IndicatorSystem) -> None:
    if system.is_frozen:
        raise ValidationError(_("A published indicator system is frozen; make a new version to change it."))


def _check_indicator(indicator: Indicator) -> None:
    """The parameters fit the method (``params.problems``) and the code is free in the system."""
    problems = params.problems(indicator.method, indicator.config, indicator.max_score)
    if problems:
        raise ValidationError(problems)
    taken = Indicator.objects.filter(dimension__system_id=indicator.dimension.system_id, code=indicator.code)
    if indicator.pk:
        taken = taken.exclude(pk=indicator.pk)
    if taken.exists():
        raise ValidationError(
            _("The code %(code)s is used by another indicator of this system.") % {"code": indicator.code}
        )
    indicator.full_clean()


@transaction.atomic
def add_indicator(*, actor, dimension: Dimension, **fields) -> Indicator:
    _require_manager(actor)
    system = IndicatorSystem.objects.select_for_update().get(pk=dimension.system_id)
    _require_draft(system)
    indicator = Indicator(dimension=dimension, **fields)
    _check_indicator(indicator)
    indicator.save()
    audit.record(actor, "assessment.indicator_added", indicator, after=audit.snapshot(indicator, INDICATOR_FIELDS))
    return indicator


@transaction.atomic
def update_indicator(*, actor, indicator: Indicator, **fields) -> Indicator:
    """Change an indicator of a draft system: its fields and its method's parameters (``config``)."""
    _require_manager(actor)
    indicator = Indicator.objects.select_for_update().select_related("dimension").get(pk=indicator.pk)
    system = IndicatorSystem.objects.select_for_update().get(pk=indicator.dimension.system_id)
    _require_draft(system)
    dimension = fields.get("dimension")
    if dimension is not None and dimension.system_id != system.pk:
        raise ValidationError(_("Choose a dimension of this indicator system."))
    before = audit.snapshot(indicator, INDICATOR_FIELDS)
    for name, value in fields.items():
        if name not in INDICATOR_FIELDS:
            raise ValueError(f"update_indicator does not change {name}")
        setattr(indicator, name, value)
    _check_indicator(indicator)
    indicator.save()
    audit.record(
        actor,
        "assessment.indicator_changed",
        indicator,
        before=before,
        after=audit.snapshot(indicator, INDICATOR_FIELDS),
    )
    return indicator


@transaction.atomic
def remove_indicator(*, actor, indicator: Indicator) -> None:
    _require_manager(actor)
    indicator = Indicator.objects.select_for_update().select_related("dimension").get(pk=indicator.pk)
    system = IndicatorSystem.objects.select_for_update().get(pk=indicator.dimension.system_id)
    _require_draft(system)
    audit.record(actor, "assessment.indicator_removed", indicator, before=audit.snapshot(indicator, INDICATOR_FIELDS))
    indicator.delete()


def _grades_snapshot(system):
    return [{"code": g.code, "label": g.label, "min_score": str(g.min_score)} for g in system.grades.all()]


def _dimensions_snapshot(system):
    return [{"id": d.pk, "code": d.code, "name": d.name, "order": d.order} for d in system.dimensions.all()]


@transaction.atomic
def update_system(
    *,
    actor,
    system: IndicatorSystem,
    name: str,
    top_quota_percent: int | None,
    review_margin: Decimal,
    dimensions: list[dict],
    grades: list[dict],
) -> IndicatorSystem:
    """Dimensions (name, order), grade thresholds (top first) and the top-grade quota of a draft system.

    ``dimensions``: [{"id": existing id or None, "name", "order"}]; ``grades``: [{"label", "min_score"}],
    the last grade's minimum empty or 0 (it takes every lower total).
    """
    _require_manager(actor)
    system = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    _require_draft(system)
    name = (name or "").strip()
    errors = []
    if not name:
        errors.append(_("Give the indicator system a name."))
    if top_quota_percent is not None and not 0 <= top_quota_percent <= 100:
        errors.append(_("The quota is a percentage from 0 to 100."))
    if review_margin is None or review_margin < 0:
        errors.append(_("The review margin cannot be negative."))
    names = [(d.get("name") or "").strip() for d in dimensions]
    if not names or any(not n for n in names) or len(set(names)) != len(names):
        errors.append(_("Every dimension needs its own name."))
    existing = {d.pk: d for d in system.dimensions.all()}
    if any(d.get("id") and d["id"] not in existing for d in dimensions):
        errors.append(_("A dimension in the form does not belong to this indicator system."))
    rows = [{"label": (g.get("label") or "").strip(), "min_score": g.get("min_score")} for g in grades]
    errors.extend(params.grade_problems(rows, selectors.total_max(system)))
    if errors:
        raise ValidationError(errors)
    before = {
        "system": audit.snapshot(system, SYSTEM_FIELDS),
        "dimensions": _dimensions_snapshot(system),
        "grades": _grades_snapshot(system),
    }
    system.name = name
    system.top_quota_percent = top_quota_percent
    system.review_margin = review_margin
    system.save(update_fields=["name", "top_quota_percent", "review_margin"])
    codes = {d.code for d in existing.values()}
    for i, row in enumerate(dimensions):
        dim = existing.get(row.get("id"))
        if dim is None:
            n = len(codes) + 1
            while f"D{n}" in codes:
                n += 1
            dim = Dimension(system=system, code=f"D{n}")
            codes.add(dim.code)
        dim.name = row["name"].strip()
        dim.order = row.get("order") if row.get("order") is not None else i
        dim.save()
    # A draft system has no cycle, so no assessment holds one of its grades: replace them.
    system.grades.all().delete()
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    GradeThreshold.objects.bulk_create(
        GradeThreshold(
            system=system,
            code=letters[i] if i < len(letters) else f"G{i + 1}",
            label=row["label"],
            min_score=Decimal("0") if i == len(rows) - 1 else row["min_score"],
        )
        for i, row in enumerate(rows)
    )
    audit.record(
        actor,
        "assessment.system_changed",
        system,
        before=before,
        after={
            "system": audit.snapshot(system, SYSTEM_FIELDS),
            "dimensions": _dimensions_snapshot(system),
            "grades": _grades_snapshot(system),
        },
    )
    return system


# ---------------------------------------------------------------- cycles


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


# ---------------------------------------------------------------- self-assessment


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


# ---------------------------------------------------------------- review


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


# ---------------------------------------------------------------- calibration, notice, appeals


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
