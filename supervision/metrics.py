"""Named supervision numbers for assessment and dashboards.

The conditions are shared with the lists the figures link to (``supervision/querysets.py``).

Each ``many(orgs, period)`` aggregates every organisation's whole subtree in one query:
rows are counted per owning organisation's path and summed up the tree (``branches.rollup``).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.links import list_url
from branches.metric_registry import Metric
from branches.rollup import subtree_sums
from branches.stats import subtree_filter

from .calendar import WorkCalendar
from .querysets import cards_issued_in, closed_in, closed_on_time, open_on, overdue_on


def _subtree_counts(orgs, model_filter: Q, model, org_field: str, **aggregates) -> dict:
    """{org.pk: {name: count}} for rows of ``model`` inside each org's subtree, in one query.

    Rows are counted per owning organisation's path (one grouped query), then summed up the tree.
    """
    if not orgs:
        return {}
    path = f"{org_field}__path"
    counts = {name: Count("pk", filter=extra) for name, extra in aggregates.items()}
    inside = subtree_filter(orgs, org_field)  # only the subtrees asked for
    rows = list(model.objects.filter(model_filter).filter(inside).order_by().values(path).annotate(**counts))
    sums = {name: subtree_sums(((r[path], r[name]) for r in rows), orgs) for name in aggregates}
    return {o.pk: {"pk": o.pk, **{name: sums[name][o.pk] for name in aggregates}} for o in orgs}


def _period_end(period) -> datetime.date:
    return min(period.end, timezone.localdate())


def _rects():
    from .models import Rectification

    return Rectification


def open_rectifications(orgs, period):
    rows = _subtree_counts(orgs, open_on(_period_end(period)), _rects(), "owner_org", n=Q())
    return {pk: r["n"] for pk, r in rows.items()}


def overdue_rectifications(orgs, period):
    end = _period_end(period)
    overdue = overdue_on(end, WorkCalendar().overdue_cutoff(end, 1))
    rows = _subtree_counts(orgs, overdue, _rects(), "owner_org", n=Q())
    return {pk: r["n"] for pk, r in rows.items()}


def closed_rectifications(orgs, period):
    """Rectifications closed (销号) within the period."""
    rows = _subtree_counts(orgs, closed_in(period), _rects(), "owner_org", n=Q())
    return {pk: r["n"] for pk, r in rows.items()}


def on_time_rate(orgs, period):
    """Of the rectifications closed in the period, the share closed by their (extended) deadline."""
    rows = _subtree_counts(orgs, closed_in(period), _rects(), "owner_org", closed=Q(), on_time=closed_on_time())
    return {pk: (round(100.0 * r["on_time"] / r["closed"], 1) if r["closed"] else None) for pk, r in rows.items()}


def _cards(colour):
    def many(orgs, period):
        from .models import Card

        rows = _subtree_counts(orgs, Q(colour=colour) & cards_issued_in(period), Card, "organization", n=Q())
        return {pk: r["n"] for pk, r in rows.items()}

    return many


def _on(period) -> str:
    """``&on=<day>`` when the period ended before today: the list then shows the state on that day."""
    end = _period_end(period)
    return f"&on={end.isoformat()}" if end < timezone.localdate() else ""


def _open_drill(org, period):
    return f"{list_url('supervision:rectification_list')}?org={org.pk}&status=open{_on(period)}"


def _overdue_drill(org, period):
    return f"{list_url('supervision:rectification_list')}?org={org.pk}&overdue=1{_on(period)}"


def _closed_drill(org, period):
    return f"{list_url('supervision:rectification_list')}?org={org.pk}&closed={period.key}"


def _card_drill(colour):
    def url(org, period):
        return f"{list_url('supervision:card_list')}?colour={colour}&org={org.pk}&issued={period.key}"

    return url


metric_registry.register(
    Metric(
        "supervision.open_rectifications",
        _("Open rectifications"),
        "个",
        many=open_rectifications,
        drill_url=_open_drill,
        higher_is_better=False,
    )
)
metric_registry.register(
    Metric(
        "supervision.overdue_rectifications",
        _("Overdue rectifications"),
        "个",
        many=overdue_rectifications,
        drill_url=_overdue_drill,
        higher_is_better=False,
    )
)
metric_registry.register(
    Metric(
        "supervision.on_time_rate",
        _("Rectifications closed on time"),
        "%",
        many=on_time_rate,
        drill_url=_closed_drill,
    )
)
metric_registry.register(
    Metric(
        "supervision.closed_rectifications",
        _("Rectifications closed"),
        "个",
        many=closed_rectifications,
        drill_url=_closed_drill,
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


from .accountability import metrics as _accountability  # noqa: E402, F401  (registers accountability.*)
