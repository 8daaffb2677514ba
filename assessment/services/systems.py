"""Indicator systems: publish, new versions and copies to another year, indicators, grades and
dimensions (committee staff)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organization

from .. import params, selectors
from ..models import (
    Dimension,
    GradeThreshold,
    Indicator,
    IndicatorSystem,
    SystemStatus,
)
from .common import SYSTEM_FIELDS, _now, _require
from .self_assessment import _sum


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
