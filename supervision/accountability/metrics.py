"""Published results of 述职评议, for the four-strong assessment and the dashboards.

``accountability.score`` (0–100) and ``accountability.grade`` (1 = the round's top grade) for a year:
the result of the organisation's own secretary in the latest published round of that year, else of the
nearest organisation above it whose secretary reported (the secretary accountable for it).
"""

from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.metric_registry import Metric

from .models import Reporter, ReviewRound


def _results(orgs, period):
    """{org.pk: (score, grade order)} in two queries, whatever the number of organisations."""
    orgs = list(orgs)
    rows = (
        Reporter.objects.filter(
            round__status=ReviewRound.Status.PUBLISHED, round__year=period.start.year, total_score__isnull=False
        )
        .order_by("round__published_at", "round_id")
        .values_list("organization__path", "total_score", "grade__order")
    )
    by_path = {}
    for path, score, grade_order in rows:  # later rounds overwrite earlier ones
        by_path[path] = (float(score), None if grade_order is None else grade_order + 1)
    out = {}
    for org in orgs:
        # The organisation's own path, then its ancestors' (a few dictionary look-ups, never orgs × rows).
        parts = org.path.strip("/").split("/")
        for depth in range(len(parts), 0, -1):
            result = by_path.get("/" + "/".join(parts[:depth]) + "/")
            if result is not None:
                out[org.pk] = result
                break
    return out


def score(orgs, period):
    return {pk: s for pk, (s, _g) in _results(orgs, period).items()}


def grade(orgs, period):
    return {pk: g for pk, (_s, g) in _results(orgs, period).items() if g is not None}


metric_registry.register(Metric("accountability.score", _("Secretary's accountability review score"), "分", many=score))
metric_registry.register(
    Metric(
        "accountability.grade",
        _("Secretary's accountability review grade (1 = top)"),
        "级",
        many=grade,
        higher_is_better=False,
    )
)
