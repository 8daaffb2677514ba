"""A round's settings as data, edited by the committee: the rating form, the grades and the weighting.

Rules (checked here for the page and the API alike):

- Only the round's organisers change them, and only while the round is open.
- Live rating + daily record = 100 %; the daily-record figures' weights add up to 100; each figure is a
  metric the registry knows; a "deduct" figure has a deduction per count.
- The rating form has at least one item (names unique, weight 1–10).
- At least two grades (names unique), points 0–100, thresholds 0–100; ordered from best to worst, both
  the points and the thresholds fall strictly; the lowest grade starts at 0 so every total has a grade.
- Once someone has rated, the form's items and the grades' points are final (ratings were scored with
  them); grade names, thresholds and the weighting still change until the round closes.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from branches import audit, metric_registry

from .models import Rating, RatingDimension, RatingGrade, RecordIndicator, ReviewRound

DIMENSION_FIELDS = ("name", "description", "weight")
GRADE_FIELDS = ("name", "points", "min_score")
INDICATOR_FIELDS = ("metric", "label", "weight", "method", "deduction")


def current(rnd: ReviewRound) -> dict:
    """The round's settings as plain data (what the page shows, the API answers and the audit keeps)."""
    return {
        "live_weight": rnd.live_weight,
        "record_weight": rnd.record_weight,
        "dimensions": [
            {"id": d.pk, "name": d.name, "description": d.description, "weight": d.weight} for d in rnd.dimensions.all()
        ],
        "grades": [
            {"id": g.pk, "name": g.name, "points": str(g.points), "min_score": str(g.min_score)}
            for g in rnd.grades.all()
        ],
        "indicators": [
            {
                "id": i.pk,
                "metric": i.metric,
                "label": i.label,
                "weight": i.weight,
                "method": i.method,
                "deduction": str(i.deduction),
            }
            for i in rnd.indicators.all()
        ],
    }


def _decimal(value, label, errors) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.append(_("%(label)s: enter a number.") % {"label": label})
        return None
    if not (Decimal(0) <= number <= Decimal(100)) or number != number.quantize(Decimal("0.01")):
        errors.append(_("%(label)s: enter a number from 0 to 100 with at most two decimals.") % {"label": label})
        return None
    return number


def _whole(value, label, low, high, errors) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors.append(_("%(label)s: enter a whole number.") % {"label": label})
        return None
    if not low <= number <= high:
        errors.append(
            _("%(label)s: enter a whole number from %(low)s to %(high)s.") % {"label": label, "low": low, "high": high}
        )
        return None
    return number


def _ids(rows, existing: set[int], what, errors) -> None:
    for row in rows:
        if row.get("id") not in (None, "") and int(row["id"]) not in existing:
            errors.append(_("%(what)s: an item does not belong to this round.") % {"what": what})
            return


def check(rnd: ReviewRound, data: dict) -> dict:
    """The cleaned settings, or ValidationError listing every problem."""
    errors: list[str] = []
    live = _whole(data.get("live_weight"), _("Live rating weight (%)"), 0, 100, errors)
    record = _whole(data.get("record_weight"), _("Daily record weight (%)"), 0, 100, errors)
    if live is not None and record is not None and live + record != 100:
        errors.append(_("The live rating and the daily record weights must add up to 100."))

    dimensions = []
    for n, row in enumerate(data.get("dimensions") or [], start=1):
        name = str(row.get("name") or "").strip()[:100]
        label = _("Rating item %(n)s") % {"n": n}
        if not name:
            errors.append(_("%(label)s: give its name.") % {"label": label})
        weight = _whole(row.get("weight", 1), label, 1, 10, errors)
        dimensions.append(
            {
                "id": row.get("id") or None,
                "name": name,
                "description": str(row.get("description") or "").strip()[:300],
                "weight": weight,
            }
        )
    if not dimensions:
        errors.append(_("The rating form needs at least one item."))
    if len({d["name"] for d in dimensions}) != len(dimensions):
        errors.append(_("Two rating items have the same name."))

    grades = []
    for n, row in enumerate(data.get("grades") or [], start=1):
        name = str(row.get("name") or "").strip()[:20]
        label = _("Grade %(n)s") % {"n": n}
        if not name:
            errors.append(_("%(label)s: give its name.") % {"label": label})
        grades.append(
            {
                "id": row.get("id") or None,
                "name": name,
                "points": _decimal(row.get("points"), label, errors),
                "min_score": _decimal(row.get("min_score"), label, errors),
            }
        )
    if len(grades) < 2:
        errors.append(_("Give at least two grades."))
    if len({g["name"] for g in grades}) != len(grades):
        errors.append(_("Two grades have the same name."))
    numbers = [(g["points"], g["min_score"]) for g in grades]
    if grades and all(p is not None and m is not None for p, m in numbers):
        if any(a[0] <= b[0] or a[1] <= b[1] for a, b in zip(numbers, numbers[1:], strict=False)):
            errors.append(_("List the grades from best to worst: points and thresholds must both fall."))
        if numbers[-1][1] != 0:
            errors.append(_("The lowest grade must start at 0, so that every total gets a grade."))

    indicators = []
    known = set(metric_registry.available())
    for n, row in enumerate(data.get("indicators") or [], start=1):
        label = _("Daily record figure %(n)s") % {"n": n}
        metric = str(row.get("metric") or "").strip()
        if metric not in known:
            errors.append(_("%(label)s: choose a figure the portal computes.") % {"label": label})
        method = row.get("method") or RecordIndicator.Method.RATE
        if method not in RecordIndicator.Method.values:
            errors.append(_("%(label)s: choose how the figure is scored.") % {"label": label})
        deduction = _decimal(row.get("deduction") or 0, label, errors)
        if method == RecordIndicator.Method.DEDUCT and deduction is not None and deduction <= 0:
            errors.append(_("%(label)s: give the deduction per count.") % {"label": label})
        indicators.append(
            {
                "id": row.get("id") or None,
                "metric": metric,
                "label": str(row.get("label") or "").strip()[:100] or metric,
                "weight": _whole(row.get("weight"), label, 0, 100, errors),
                "method": method,
                "deduction": deduction if deduction is not None else Decimal(0),
            }
        )
    weights = [i["weight"] for i in indicators]
    if indicators and None not in weights and sum(weights) != 100:
        errors.append(_("The daily record figures' weights must add up to 100 (now %(sum)s).") % {"sum": sum(weights)})

    _ids(dimensions, set(rnd.dimensions.values_list("pk", flat=True)), _("Rating form"), errors)
    _ids(grades, set(rnd.grades.values_list("pk", flat=True)), _("Grades"), errors)
    _ids(indicators, set(rnd.indicators.values_list("pk", flat=True)), _("Daily record"), errors)
    if errors:
        raise ValidationError(errors)
    return {
        "live_weight": live,
        "record_weight": record,
        "dimensions": dimensions,
        "grades": grades,
        "indicators": indicators,
    }


def _sync(model, rnd, rows, fields) -> None:
    """Update the rows that keep their id, create the new ones, delete the ones left out; order as given."""
    existing = {o.pk: o for o in model.objects.filter(round=rnd)}
    kept = {int(r["id"]) for r in rows if r["id"]}
    model.objects.filter(round=rnd).exclude(pk__in=kept).delete()
    for order, row in enumerate(rows):
        obj = existing.get(int(row["id"])) if row["id"] else model(round=rnd)
        for f in fields:
            setattr(obj, f, row[f])
        obj.order = order
        obj.save()


def _form_of(settings: dict) -> tuple:
    """What ratings were scored with: the items (and weights) and each grade's points, in order."""
    return (
        [(d["id"] and int(d["id"]), d["weight"]) for d in settings["dimensions"]],
        [(g["id"] and int(g["id"]), Decimal(str(g["points"]))) for g in settings["grades"]],
    )


@transaction.atomic
def update_settings(*, actor, round: ReviewRound, data: dict) -> ReviewRound:
    rnd = ReviewRound.objects.select_for_update().get(pk=round.pk)
    if not ReviewRound.objects.visible_to(actor, "manage").filter(pk=rnd.pk).exists():
        raise PermissionDenied(_("Only the round's organisers may change its settings."))
    if not rnd.is_open:
        raise ValidationError(_("The round is closed; its settings are final."))
    cleaned = check(rnd, data)
    before = current(rnd)
    if _form_of(cleaned) != _form_of(before) and Rating.objects.filter(reporter__round=rnd).exists():
        raise ValidationError(
            _("Ratings have been cast: the rating items and the grades' points can no longer change.")
        )
    _sync(RatingDimension, rnd, cleaned["dimensions"], DIMENSION_FIELDS)
    # Grades: rename through a free name first, so that swapping two names passes the unique constraint.
    RatingGrade.objects.filter(round=rnd).update(name=Concat(Value("~"), F("pk")))
    _sync(RatingGrade, rnd, cleaned["grades"], GRADE_FIELDS)
    _sync(RecordIndicator, rnd, cleaned["indicators"], INDICATOR_FIELDS)
    rnd.live_weight, rnd.record_weight = cleaned["live_weight"], cleaned["record_weight"]
    rnd.save(update_fields=["live_weight", "record_weight"])
    audit.record(actor, "accountability.round_settings", rnd, before=before, after=current(rnd))
    return rnd
