"""Pure scoring rules: from an indicator's method, its parameters and an input to points."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Method

ZERO = Decimal("0")


def _d(value) -> Decimal:
    return Decimal(str(value))


def _count(data, key="count") -> int:
    try:
        n = int(data.get(key) or 0)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number of occurrences.")) from None
    if n < 0:
        raise ValidationError(_("The number of occurrences cannot be negative."))
    return n


def points_from_table(table, value) -> Decimal | None:
    """First row whose range holds ``value``: rows have ``min`` and/or ``max`` (inclusive) and ``points``."""
    if value is None:
        return None
    for row in table or []:
        lo, hi = row.get("min"), row.get("max")
        if (lo is None or value >= lo) and (hi is None or value <= hi):
            return _d(row["points"])
    return ZERO


def score(indicator, data: dict, *, computed_value=None) -> Decimal | None:
    """Points for one indicator. Raises ValidationError with a message a secretary understands."""
    config = indicator.config or {}
    maximum = indicator.max_score
    method = indicator.method
    data = data or {}
    if method == Method.SCALE:
        level = data.get("level")
        if level in (None, ""):
            return None
        for row in config.get("levels", []):
            if row["name"] == level:
                return min(_d(row["points"]), maximum)
        raise ValidationError(_("Choose one of the levels offered for “%(name)s”.") % {"name": indicator.name})
    if method == Method.CHECKLIST:
        items = config.get("items", [])
        checked = data.get("checked") or []
        try:
            checked = {int(i) for i in checked}
        except (TypeError, ValueError):
            raise ValidationError(_("The checklist answer is not valid.")) from None
        if any(i < 0 or i >= len(items) for i in checked):
            raise ValidationError(_("The checklist answer is not valid."))
        return min(_d(config.get("points_per_item", 0)) * len(checked), maximum)
    if method == Method.DEDUCTION:
        if data.get("count") in (None, ""):
            return None
        return max(maximum - _d(config.get("per_occurrence", 0)) * _count(data), ZERO)
    if method == Method.BONUS:
        if data.get("count") in (None, ""):
            return None
        return min(_d(config.get("per_item", 0)) * _count(data), maximum)
    if method == Method.VETO:
        return ZERO
    if method == Method.COMPUTED:
        # A secretary may override the computed points (the consistency check flags it).
        manual = data.get("manual")
        if manual in (None, ""):
            if computed_value is not None:
                return min(points_from_table(config.get("table"), computed_value), maximum)
            return None
        try:
            value = _d(manual)
        except ArithmeticError:
            raise ValidationError(_("Enter a number.")) from None
        if value < 0 or value > maximum:
            raise ValidationError(_("The score must be between 0 and %(max)s.") % {"max": maximum})
        return value
    raise ValidationError(_("Unknown scoring method."))


def grade_for(total, thresholds, *, vetoed: bool):
    """The grade a total earns; a veto (or a total below every threshold) gives the lowest grade."""
    ordered = sorted(thresholds, key=lambda g: g.min_score, reverse=True)
    if not ordered:
        return None
    if vetoed or total is None:
        return ordered[-1]
    for grade in ordered:
        if total >= grade.min_score:
            return grade
    return ordered[-1]
