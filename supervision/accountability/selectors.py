"""Read-side helpers of 述职评议: rating progress (aggregates only) and the daily record of a reporter."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from . import figures
from .models import Rater, Rating, Reporter, ReviewRound


def progress(rnd: ReviewRound, reporters=None) -> dict:
    """How many ratings each reporter has, and which raters have not rated everyone of their panel.

    Never which grades anyone gave: counts only. ``reporters`` limits the per-reporter rows to those
    (a page of the round's list); the round-wide totals (``reporters``, ``filed``, ``given``, ``expected``)
    are aggregates whatever the round's size. Four queries, or three when the rows are given.
    """
    seats = list(Rater.objects.filter(round=rnd).select_related("user", "panel").annotate(given=Count("ratings")))
    seats_per_panel = defaultdict(int)
    for s in seats:
        seats_per_panel[s.panel_id] += 1
    per_panel = dict(rnd.reporters.order_by().values("panel_id").annotate(n=Count("pk")).values_list("panel_id", "n"))
    filed = rnd.reporters.filter(filed_at__isnull=False).count()
    if reporters is None:
        reporters = rnd.reporters.select_related("organization__unit", "secretary").order_by("organization__path")
    reporters = list(reporters)
    counts = dict(
        Rating.objects.filter(reporter__in=[r.pk for r in reporters])
        .values("reporter_id")
        .annotate(n=Count("pk"))
        .values_list("reporter_id", "n")
    )
    rows = [
        {
            "reporter": r,
            "ratings": counts.get(r.pk, 0),
            "expected": seats_per_panel[r.panel_id],
            "filed": bool(r.filed_at),
        }
        for r in reporters
    ]
    missing = [
        {"rater": s, "given": s.given, "expected": per_panel.get(s.panel_id, 0)}
        for s in seats
        if s.given < per_panel.get(s.panel_id, 0)
    ]
    return {
        "rows": rows,
        "by_reporter": {row["reporter"].pk: row for row in rows},
        "not_rated": missing,
        "raters": len(seats),
        "reporters": sum(per_panel.values()),
        "filed": filed,
        "given": sum(s.given for s in seats),
        "expected": sum(per_panel.get(s.panel_id, 0) for s in seats),
    }


def live_figures(reporter: Reporter) -> dict:
    """The figures as they stand now (the registry), or as stored at closing once the round is closed."""
    rnd = reporter.round
    if rnd.results_ready:
        return reporter.record_figures
    return figures.figures_for(rnd.indicators.all(), [reporter.organization], rnd.year)[reporter.organization_id]


def figure_rows(indicators, values: dict) -> list[dict]:
    return [
        {
            "label": i.label,
            "metric": i.metric,
            "value": values.get(i.metric),
            "points": figures.indicator_points(i, values.get(i.metric)),
            "weight": i.weight,
        }
        for i in indicators
    ]
