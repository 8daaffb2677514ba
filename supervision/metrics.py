"""Named supervision numbers for assessment and dashboards.

Each ``many(orgs, period)`` aggregates every organisation's whole subtree in one query:
rows are counted per owning organisation's path and summed up the tree (``branches.rollup``).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.metric_registry import Metric
from branches.rollup import subtree_sums

from .calendar import WorkCalendar


def _subtree_counts(orgs, model_filter: Q, model, org_field: str, **aggregates) -> dict:
    """{org.pk: {name: count}} for rows of ``model`` inside each org's subtree, in one query.

    Rows are counted per owning organisation's path (one grouped query), then summed up the tree.
    """
    if not orgs:
        return {}
    path = f"{org_field}__path"
    counts = {name: Count("pk", filter=extra) for name, extra in aggregates.items()}
    rows = list(model.objects.filter(model_filter).order_by().values(path).annotate(**counts))
    sums = {name: subtree_sums(((r[path], r[name]) for r in rows), orgs) for name in aggregates}
    return {o.pk: {"pk": o.pk, **{name: sums[name][o.pk] for name in aggregates}} for o in orgs}


def _period_end(period) -> datetime.date:
    return min(period.end, timezone.localdate())


def _rects():
    from .models import Rectification

    return Rectification


def open_rectifications(orgs, period):
    Rect = _rects()
    end = _period_end(period)
    open_at_end = Q(finding__recorded_at__date__lte=end) & (Q(closed_at__isnull=True) | Q(closed_at__date__gt=end))
    rows = _subtree_counts(orgs, open_at_end, Rect, "owner_org", n=Q())
    return {pk: r["n"] for pk, r in rows.items()}


def overdue_rectifications(orgs, period):
    Rect = _rects()
    end = _period_end(period)
    cutoff = WorkCalendar().overdue_cutoff(end, 1)
    overdue = (
        Q(finding__recorded_at__date__lte=end)
        & (Q(closed_at__isnull=True) | Q(closed_at__date__gt=end))
        & Q(effective_deadline__lt=cutoff)
    )
    rows = _subtree_counts(orgs, overdue, Rect, "owner_org", n=Q())
    return {pk: r["n"] for pk, r in rows.items()}


def on_time_rate(orgs, period):
    """Of the rectifications closed in the period, the share closed by their (extended) deadline."""
    Rect = _rects()
    closed_in = Q(closed_at__gte=period.start_datetime(), closed_at__lt=period.end_datetime())
    rows = _subtree_counts(
        orgs, closed_in, Rect, "owner_org", closed=Q(), on_time=Q(closed_at__date__lte=F("effective_deadline"))
    )
    return {pk: (round(100.0 * r["on_time"] / r["closed"], 1) if r["closed"] else None) for pk, r in rows.items()}


def _cards(colour):
    def many(orgs, period):
        from .models import Card

        issued = Q(colour=colour, issued_at__gte=period.start_datetime(), issued_at__lt=period.end_datetime())
        rows = _subtree_counts(orgs, issued & Q(revoked_at__isnull=True), Card, "organization", n=Q())
        return {pk: r["n"] for pk, r in rows.items()}

    return many


def _drill(query):
    def url(org, period):
        return f"{reverse('supervision:rectification_list')}?org={org.pk}{query}"

    return url


def _card_drill(colour):
    def url(org, period):
        return f"{reverse('supervision:card_list')}?colour={colour}"

    return url


metric_registry.register(
    Metric(
        "supervision.open_rectifications",
        _("Open rectifications"),
        "个",
        many=open_rectifications,
        drill_url=_drill("&status=open"),
        higher_is_better=False,
    )
)
metric_registry.register(
    Metric(
        "supervision.overdue_rectifications",
        _("Overdue rectifications"),
        "个",
        many=overdue_rectifications,
        drill_url=_drill("&overdue=1"),
        higher_is_better=False,
    )
)
metric_registry.register(
    Metric(
        "supervision.on_time_rate",
        _("Rectifications closed on time"),
        "%",
        many=on_time_rate,
        drill_url=_drill("&status=closed"),
    )
)
metric_registry.register(
    Metric(
        "supervision.yellow_cards",
        _("Yellow cards"),
        "张",
        many=_cards("yellow"),
        drill_url=_card_drill("yellow"),
        higher_is_better=False,
    )
)
metric_registry.register(
    Metric(
        "supervision.red_cards",
        _("Red cards"),
        "张",
        many=_cards("red"),
        drill_url=_card_drill("red"),
        higher_is_better=False,
    )
)
