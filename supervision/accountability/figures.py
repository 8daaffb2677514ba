"""The daily record (平时表现) of a reporting secretary, read only from the metric registry.

One source of truth: a figure here is ``metric_registry.get(name).values(orgs, year)``, the same call
the dashboards' snapshots and the assessment make, for the reporter's organisation and the round's year.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from branches import metric_registry
from branches.periods import period_containing

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


def q2(value) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def year_period(year: int):
    return period_containing("year", datetime.date(year, 1, 1))


def figures_for(indicators, orgs, year: int) -> dict[int, dict[str, float | None]]:
    """``{org.pk: {metric name: value}}`` for the round's indicators; a fixed number of queries per metric."""
    orgs = list(orgs)
    period = year_period(year)
    out: dict[int, dict] = {o.pk: {} for o in orgs}
    for name in dict.fromkeys(i.metric for i in indicators):
        try:
            metric = metric_registry.get(name)
        except KeyError:
            values = {}
        else:
            values = metric.values(orgs, period)
        for org in orgs:
            value = values.get(org.pk)
            out[org.pk][name] = None if value is None else float(value)
    return out


def indicator_points(indicator, value) -> Decimal | None:
    """0–100 for one figure: the rate itself, or 100 minus the deduction per count; None when not applicable."""
    if value is None:
        return None
    if indicator.method == "deduct":
        return max(Decimal(0), HUNDRED - Decimal(str(value)) * indicator.deduction)
    return min(HUNDRED, max(Decimal(0), Decimal(str(value))))


def record_score(indicators, figures: dict) -> Decimal | None:
    """The weighted average of the applicable figures' points (weights of figures not applicable are left out)."""
    total = weight = Decimal(0)
    for indicator in indicators:
        points = indicator_points(indicator, figures.get(indicator.metric))
        if points is None or not indicator.weight:
            continue
        total += points * indicator.weight
        weight += indicator.weight
    return q2(total / weight) if weight else None


def rating_score(dimension_weights: dict[int, int], grade_points: dict[int, Decimal], taps: dict[int, int]) -> Decimal:
    """One rating's score: the weighted average of the tapped grades' points over the dimensions."""
    total = weight = Decimal(0)
    for dimension_id, w in dimension_weights.items():
        total += grade_points[taps[dimension_id]] * w
        weight += w
    return q2(total / weight) if weight else Decimal(0)


def total_score(live: Decimal | None, record: Decimal | None, live_weight: int, record_weight: int) -> Decimal | None:
    """live × live weight + record × record weight (percent).

    Nobody rated: no total (no grade). No applicable daily figure: the live rating alone.
    """
    if live is None:
        return None
    parts = [(live, live_weight), (record, record_weight)]
    parts = [(v, w) for v, w in parts if v is not None and w]
    weight = sum(w for _v, w in parts)
    if not weight:
        return None
    return q2(sum(v * w for v, w in parts) / weight)


def grade_for(score: Decimal | None, grades):
    """The first grade (highest threshold first) whose ``min_score`` the score reaches."""
    if score is None:
        return None
    for grade in sorted(grades, key=lambda g: g.min_score, reverse=True):
        if score >= grade.min_score:
            return grade
    return None
