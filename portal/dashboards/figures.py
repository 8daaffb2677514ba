"""Dashboards' read side: ``dashboard_for`` builds everything a dashboard shows from snapshots
with a fixed number of queries, whatever the history or the size of the tree; chart data; the to-do list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import F, Q
from django.utils.translation import gettext as _

from branches import metric_registry, stats
from branches.models import Organization, OrganizationKind
from branches.periods import Period, period_containing

from .models import MetricSnapshot
from .snapshots import (
    BURNDOWN_METRICS,
    BURNDOWN_MONTHS,
    DIMENSION_PREFIX,
    GRADE_PREFIX,
    HEADLINE_ORDER,
    HEATMAP_METRICS,
    RANKING_LIMIT,
    RANKING_METRICS,
    RESULTS_YEAR,
    is_chart_only,
    is_current_state,
    last_refresh,
    months_ending,
    snapshot_key,
)


@dataclass
class Figure:
    name: str
    label: str
    unit: str
    value: float | None
    url: str = ""
    last_year: float | None = None
    higher_is_better: bool = True

    @property
    def heat(self) -> str:
        """The heatmap band of a rate: below 60 %, 60-90 % or 90 % and above."""
        if self.value is None:
            return "none"
        return "low" if self.value < 60 else "mid" if self.value < 90 else "high"

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        if self.unit == "%":
            return f"{self.value:.1f}"
        return f"{self.value:.0f}" if float(self.value).is_integer() else f"{self.value:.1f}"


@dataclass
class Dashboard:
    org: Organization
    period: Period
    children: list
    headline: list = field(default_factory=list)
    structure: list = field(default_factory=list)  # [{"key","title","buckets":[{"key","label","value"}]}]
    ranking_metric: object = None
    ranking: list = field(default_factory=list)  # [{"org", "figures": [Figure], "rank_value"}]
    ranking_total: int = 0
    shown_children: list = field(default_factory=list)
    ranking_columns: list = field(default_factory=list)
    heatmap_metric: object = None
    heatmap_months: list = field(default_factory=list)
    heatmap: list = field(default_factory=list)  # [{"org", "cells": [Figure]}]
    trend_metric: object = None
    trend: dict = field(default_factory=dict)
    # Assessment results (None: the assessment app publishes no such metrics; empty: nothing published yet)
    grades: dict | None = None  # {"year", "items": [{"label", "value"}]}
    radar: dict | None = None  # {"year", "items": [{"label", "value", "max"}]}
    # Rectification burndown (None: no supervision metrics)
    burndown: dict | None = None  # {"rows": [{"period", "open", "closed", "on_time", "open_url", "closed_url"}]}
    refreshed_at: datetime.datetime | None = None


def _drill(metric, org, period) -> str:
    if metric.drill_url is None:
        return ""
    try:
        return metric.drill_url(org, period) or ""
    except Exception:  # a metric's link must never break the dashboard  # noqa: BLE001
        return ""


# The pk of the stand-in organisation a table's links are made for once, then given each row's pk.
STAND_IN_PK = 987654321


class _AnyOrg:
    """Stands for every organisation of a column: a drill link may read the organisation's pk and nothing else."""

    __slots__ = ("pk", "id")

    def __init__(self, pk: int):
        self.pk = self.id = pk


def per_org(link: str):
    """A link made for ``STAND_IN_PK`` as ``org -> the same link for org``; None unless it holds the pk once."""
    parts = link.split(str(STAND_IN_PK))
    if len(parts) != 2:
        return None
    head, tail = parts
    return lambda org: f"{head}{org.pk}{tail}"


def _drill_maker(metric, period):
    """``org -> metric's drill link for org and period``, built with one call of ``drill_url`` per column.

    A table holds hundreds of links that differ only in the organisation's pk: the link is made once for a
    stand-in organisation and the pk put in its place. A link that reads more than the pk (the stand-in has no
    other attribute), or does not hold the pk exactly once, is made for each organisation as before.
    """
    if metric.drill_url is None:
        return lambda org: ""
    try:
        link = metric.drill_url(_AnyOrg(STAND_IN_PK), period) or ""
    except Exception:  # noqa: BLE001 (it reads more than the pk: made per organisation below)
        link = ""
    return per_org(link) or (lambda org: _drill(metric, org, period))


def child_orgs(org: Organization):
    return list(
        Organization.objects.filter(parent=org, is_active=True)
        .exclude(kind=OrganizationKind.GROUP)
        .only("id", "name", "path", "kind", "parent_id")
        .with_labels()
        .order_by("order", "name")
    )


def dashboard_for(
    org: Organization,
    period: Period,
    *,
    today: datetime.date,
    ranking: str | None = None,
    limit: int | None = RANKING_LIMIT,
    refreshed_at: datetime.datetime | None | bool = False,
) -> Dashboard:
    """Everything one dashboard shows, from snapshots only.

    The ranking and the heatmap show the ``limit`` sub-organisations with the worst
    gaps (all with ``limit=None``: the Excel export and "show all"), so the page
    costs the same for a unit with 5 branches and a city with 400 units.
    """
    registry = metric_registry.available()
    this_month = period_containing("month", today)
    last_year = period.same_last_year()
    keys = {period.key, last_year.key, this_month.key, str(period.start.year)}
    snaps = {}

    def load(queryset):
        for metric, org_id, key, value in queryset.values_list("metric", "organization_id", "period_key", "value"):
            snaps[(metric, org_id, key)] = value

    # One query for the organisation's own figures: every metric for the period's keys (the org has a row for
    # every computed metric), and the monthly series of the charts: the trend, this year against last, and the
    # rectification burndown.
    year = period.start.year
    this_keys = [f"{year}-{m:02d}" for m in range(1, 13)]
    last_keys = [f"{year - 1}-{m:02d}" for m in range(1, 13)]
    trend_names = [n for n in HEATMAP_METRICS if n in registry]
    burndown_names = [n for n in BURNDOWN_METRICS.values() if n in registry]
    burndown_months = months_ending(period, today, BURNDOWN_MONTHS) if burndown_names else []
    own = Q(period_key__in=keys)
    if trend_names:
        own |= Q(metric__in=trend_names, period_key__in=this_keys + last_keys)
    if burndown_names:
        own |= Q(metric__in=burndown_names, period_key__in=[m.key for m in burndown_months])
    load(MetricSnapshot.objects.filter(own, organization_id=org.pk))
    present_names = {name for name, _org, key in snaps if key in keys}

    def value_of(name, org_id, p=period):
        return snaps.get((name, org_id, snapshot_key(name, p, this_month)))

    def present(name):
        return name in present_names

    if refreshed_at is False:  # not read by the caller yet
        refreshed_at = last_refresh()
    board = Dashboard(org=org, period=period, children=[], refreshed_at=refreshed_at)
    names = [n for n in HEADLINE_ORDER if n in registry] + sorted(
        n for n in registry if n not in HEADLINE_ORDER and not is_chart_only(n)
    )
    for name in names:
        if not present(name):
            continue
        metric = registry[name]
        board.headline.append(
            Figure(
                name,
                str(metric.label),
                metric.unit,
                value_of(name, org.pk),
                _drill(metric, org, period),
                None if is_current_state(name) else value_of(name, org.pk, last_year),
                metric.higher_is_better,
            )
        )
    for dim, (title, buckets) in stats.DIMENSIONS.items():
        items = []
        for key, label in buckets:
            name = f"structure.{dim}.{key}"
            if name in registry and present(name):
                items.append({"key": key, "label": str(label), "value": value_of(name, org.pk) or 0})
        if items:
            board.structure.append({"key": dim, "title": str(title), "buckets": items})

    # the sub-organisations: the ``limit`` worst by the ranking metric, ranked in the database
    children_qs = Organization.objects.filter(parent=org, is_active=True).exclude(kind=OrganizationKind.GROUP)
    board.ranking_total = children_qs.count()
    candidates = [n for n in RANKING_METRICS if n in registry and present(n)]
    ranking_name = (
        ranking if ranking in registry and ranking and present(ranking) else (candidates[0] if candidates else None)
    )
    board.ranking_columns = [registry[n] for n in names if not n.startswith("org.") and present(n)]
    fields = ("id", "name", "path", "kind", "parent_id")
    ranked_values: dict[int, float] = {}
    if ranking_name:
        metric = registry[ranking_name]
        board.ranking_metric = metric
        rank_key = this_month.key if is_current_state(ranking_name) else period.key
        order = F("value").asc() if metric.higher_is_better else F("value").desc()
        ranked_qs = (
            MetricSnapshot.objects.filter(
                metric=ranking_name, period_key=rank_key, organization__in=children_qs, value__isnull=False
            )
            .order_by(order, "organization__name")
            .values_list("organization_id", "value")
        )
        ranked_values = dict(ranked_qs if limit is None else ranked_qs[:limit])
    room = None if limit is None else limit - len(ranked_values)
    ranked_orgs = (
        {o.pk: o for o in children_qs.filter(pk__in=list(ranked_values)).only(*fields).with_labels()}
        if ranked_values
        else {}
    )
    rest_qs = children_qs.exclude(pk__in=list(ranked_values)).only(*fields).with_labels().order_by("order", "name")
    rest = list(rest_qs if room is None else rest_qs[: max(room, 0)]) if room != 0 else []
    shown = [ranked_orgs[pk] for pk in ranked_values if pk in ranked_orgs] + rest
    board.children = board.shown_children = shown
    # The children's figures in one query: the ranking's columns and the heatmap's months (children × months of
    # the period's year).
    heat_name = next((n for n in HEATMAP_METRICS if n in registry), None)
    last = 12 if year < today.year else today.month
    months = [period_containing("month", datetime.date(year, m, 1)) for m in range(1, last + 1)] if heat_name else []
    columns = []
    wanted = Q()
    if ranking_name:
        # per column, once: its label, the period key its figures are stored under and its link maker
        columns = [
            (m.name, str(m.label), m.unit, snapshot_key(m.name, period, this_month), _drill_maker(m, period))
            for m in board.ranking_columns
        ]
        by_key: dict[str, list[str]] = {}
        for name, _label, _unit, key, _link in columns:
            by_key.setdefault(key, []).append(name)
        for key, metric_names in by_key.items():
            wanted |= Q(period_key=key, metric__in=metric_names)
    if months:
        wanted |= Q(metric=heat_name, period_key__in=[m.key for m in months])
    if shown and wanted:
        load(MetricSnapshot.objects.filter(wanted, organization_id__in=[c.pk for c in shown]))
    if ranking_name:
        board.ranking = [
            {
                "org": child,
                "rank_value": ranked_values.get(child.pk),
                "figures": [
                    Figure(name, label, unit, snaps.get((name, child.pk, key)), link(child))
                    for name, label, unit, key, link in columns
                ],
            }
            for child in shown
        ]
    if months and any((heat_name, child.pk, m.key) in snaps for child in shown for m in months):
        metric = registry[heat_name]
        board.heatmap_metric = metric
        board.heatmap_months = months
        month_links = [(m.label, m.key, _drill_maker(metric, m)) for m in months]
        board.heatmap = [
            {
                "org": child,
                "cells": [
                    Figure(heat_name, label, metric.unit, snaps.get((heat_name, child.pk, key)), link(child))
                    for label, key, link in month_links
                ],
            }
            for child in shown
        ]
    trend_name = next((n for n in trend_names if present(n)), None)
    monthly = {(name, key): value for (name, org_id, key), value in snaps.items() if org_id == org.pk}
    if trend_name:
        values = {key: monthly.get((trend_name, key)) for key in this_keys + last_keys}
        board.trend_metric = registry[trend_name]
        board.trend = {
            "months": [f"{m}月" for m in range(1, 13)],
            "this_year": [values.get(k) for k in this_keys],
            "last_year": [values.get(k) for k in last_keys],
            "year": year,
        }
    if burndown_names:
        board.burndown = _burndown(registry, org, burndown_months, monthly)
    if RESULTS_YEAR in registry:
        _assessment_results(board, registry, org, value_of)
    return board


def _burndown(registry, org, months, monthly) -> dict:
    """Open rectifications at each month's end, closed within it, on-time rate; each linked to its list."""
    rows = []
    for month in months:
        row = {"period": month}
        for role, name in BURNDOWN_METRICS.items():
            metric = registry.get(name)
            row[role] = monthly.get((name, month.key)) if metric else None
            row[f"{role}_url"] = _drill(metric, org, month) if metric and row[role] is not None else ""
        rows.append(row)
    has_data = any(r["open"] or r["closed"] for r in rows)
    return {"rows": rows if has_data else [], "units": {"count": "个", "rate": "%"}}


def _assessment_results(board: Dashboard, registry, org, value_of) -> None:
    """The grade distribution and dimension radar of the org's subtree (snapshots; names from the system)."""
    year = value_of(RESULTS_YEAR, org.pk)
    board.grades = {"year": None, "items": []}
    board.radar = {"year": None, "items": []}
    if year is None:
        return
    year = int(year)
    labels = _result_labels(year)
    grades = []
    for n in range(1, 100):
        name = f"{GRADE_PREFIX}{n}"
        if name not in registry:
            break
        value = value_of(name, org.pk)
        label = labels["grades"][n - 1] if n <= len(labels["grades"]) else None
        if value is None or (label is None and not value):
            continue
        grades.append({"label": label or _("Grade %(n)s") % {"n": n}, "value": value})
    board.grades = {"year": year, "items": grades if any(g["value"] for g in grades) else []}
    dims = []
    for n in range(1, 100):
        name = f"{DIMENSION_PREFIX}{n}"
        if name not in registry:
            break
        value, top = value_of(name, org.pk), value_of(f"{name}.max", org.pk)
        if value is None:
            continue
        label = labels["dimensions"][n - 1] if n <= len(labels["dimensions"]) else _("Dimension %(n)s") % {"n": n}
        dims.append({"label": label, "value": value, "max": top})
    board.radar = {"year": year, "items": dims}


def _result_labels(year: int) -> dict:
    """Grade and dimension names of the indicator system whose results the year shows (assessment app)."""
    if not apps.is_installed("assessment"):
        return {"grades": [], "dimensions": []}
    from assessment.metrics import result_labels

    return result_labels(year)


def chart_payload(board: Dashboard) -> dict:
    """What static/portal/dashboard.js draws; built from the same Dashboard as the page."""
    payload = {
        "structure": board.structure,
        "ranking": None,
        "trend": None,
        "heatmap": None,
        "grades": None,
        "radar": None,
        "burndown": None,
    }
    if board.grades is not None:
        payload["grades"] = {
            "title": _("Grade distribution"),
            "year": board.grades["year"],
            "unit": "个",
            "items": board.grades["items"],
        }
    if board.radar is not None:
        payload["radar"] = {
            "title": _("Average score by dimension"),
            "year": board.radar["year"],
            "unit": "分",
            "items": board.radar["items"],
            "series": [_("Average score"), _("Maximum score")],
        }
    if board.burndown is not None:
        rows = board.burndown["rows"]
        payload["burndown"] = {
            "title": _("Rectifications: open and closed by month"),
            "months": [r["period"].key for r in rows],
            "open": [r["open"] for r in rows],
            "closed": [r["closed"] for r in rows],
            "on_time": [r["on_time"] for r in rows],
            "series": [_("Open at month end"), _("Closed in the month"), _("Closed on time (%)")],
            "units": board.burndown["units"],
        }
    if board.ranking_metric is not None:
        m = board.ranking_metric
        payload["ranking"] = {
            "title": str(m.label),
            "unit": m.unit,
            "items": [{"name": r["org"].name, "value": r["rank_value"], "org": r["org"].pk} for r in board.ranking],
        }
    if board.trend_metric is not None:
        payload["trend"] = dict(board.trend, title=str(board.trend_metric.label), unit=board.trend_metric.unit)
    if board.heatmap_metric is not None:
        payload["heatmap"] = {
            "title": str(board.heatmap_metric.label),
            "unit": board.heatmap_metric.unit,
            "months": [m.key for m in board.heatmap_months],
            "rows": [
                {"name": r["org"].name, "values": [c.value for c in r["cells"]], "urls": [c.url for c in r["cells"]]}
                for r in board.heatmap
            ],
        }
    return payload


def root_for(user) -> Organization | None:
    """The top organisation of the user's dashboard (one query via cached grants)."""
    from branches.access import grants_of
    from branches.roles import roles_with

    allowed = roles_with("dashboard.view")
    grants = [g for g in grants_of(user) if g.role in allowed]
    if user.is_superuser and not grants:
        return Organization.objects.filter(parent__isnull=True).order_by("path").first()
    if not grants:
        return None
    return min((g.organization for g in grants), key=lambda o: (o.depth, o.path))
