"""Dashboards' write side: ``refresh_summaries`` asks every registered metric for the numbers of
all organisations (``metric.many``) and upserts them into ``MetricSnapshot``; the periods kept, and
the generation that invalidates cached pages."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from branches import audit, metric_registry, stats
from branches.bulk import upsert_rows
from branches.models import Organization, OrganizationKind
from branches.periods import Period, period_containing

from ..models import PortalState
from .models import MetricSnapshot

# Metrics that describe the register as it stands now (not a period's activity):
# refreshed and read for the current month only.
CURRENT_STATE_PREFIXES = ("structure.", "org.", "members.")


# Metrics of a whole year (the published assessment results): refreshed and read for years only.
ANNUAL_PREFIXES = (
    "assessment.grade.",
    "assessment.dimension.",
    "assessment.results_year",
    # Yearly lists of the practice app (办实事, research topics): a month shows the year's figure.
    "practice.deeds_",
    "practice.research_",
)


# Metrics that only feed a chart (member structure, grade distribution, dimension radar): not headline figures.
# Figures read by name elsewhere (charts, the assessment's computed indicators), not shown as headline tiles:
# a secretary's 述职评议 score and grade are one person's result, with no list behind them.
CHART_ONLY_PREFIXES = (
    "structure.",
    "assessment.grade.",
    "assessment.dimension.",
    "assessment.results_year",
    "accountability.",
)


GRADE_PREFIX = "assessment.grade."


DIMENSION_PREFIX = "assessment.dimension."


RESULTS_YEAR = "assessment.results_year"


# The rectification burndown: open at each month's end, closed within it, and the on-time rate.
BURNDOWN_METRICS = {
    "open": "supervision.open_rectifications",
    "closed": "supervision.closed_rectifications",
    "on_time": "supervision.on_time_rate",
}


BURNDOWN_MONTHS = 12


# Headline order: the agreed names first (docs/development.md), anything else after.
HEADLINE_ORDER = [
    "org.count",
    "org.branches",
    "members.count",
    "members.probationary",
    "meetings.compliance_rate",
    "meetings.first_topic_rate",
    "meetings.missing_count",
    "study.completion_rate",
    "study.hours_per_capita",
    "supervision.open_rectifications",
    "supervision.overdue_rectifications",
    "supervision.closed_rectifications",
    "supervision.on_time_rate",
    "supervision.yellow_cards",
    "supervision.red_cards",
    "assessment.progress",
    # Party building in practice (practice/): pairing, community service, 办实事, research, first secretaries.
    "practice.pairing_coverage",
    "practice.pairing_activities",
    "practice.volunteer_hours",
    "practice.volunteer_hours_per_member",
    "practice.deeds_completion",
    "practice.deeds_done",
    "practice.deeds_overdue",
    "practice.research_topics",
    "practice.research_reports",
    "practice.village_reports",
]


# The first registered of these fills the heatmap (units × months) and the ranking.
HEATMAP_METRICS = ["meetings.compliance_rate", "meetings.first_topic_rate", "study.completion_rate"]


RANKING_METRICS = [
    "meetings.compliance_rate",
    "study.completion_rate",
    "supervision.overdue_rectifications",
    "meetings.first_topic_rate",
    "assessment.progress",
    "members.count",
]


SNAPSHOT_CHUNK = 5000


RANKING_LIMIT = 20


def is_current_state(name: str) -> bool:
    return name.startswith(CURRENT_STATE_PREFIXES)


def is_annual(name: str) -> bool:
    return name.startswith(ANNUAL_PREFIXES)


def is_chart_only(name: str) -> bool:
    return name.startswith(CHART_ONLY_PREFIXES)


def snapshot_key(name: str, period: Period, this_month: Period) -> str:
    """The period key a metric's figure for ``period`` is stored under."""
    if is_current_state(name):
        return this_month.key
    if is_annual(name):
        return str(period.start.year)
    return period.key


def months_ending(period: Period, today: datetime.date, count: int) -> list[Period]:
    """The ``count`` months up to the period's last month (or this month, if the period runs on)."""
    month = period_containing("month", min(period.end, today))
    months = [month]
    while len(months) < count:
        months.append(months[-1].previous())
    return months[::-1]


def dashboard_orgs():
    """The organisations that get figures: everything but party groups."""
    return Organization.objects.filter(is_active=True).exclude(kind=OrganizationKind.GROUP).order_by("path")


def current_periods(today: datetime.date) -> list[Period]:
    return [period_containing(kind, today) for kind in ("month", "quarter", "year")]


def history_periods(today: datetime.date) -> list[Period]:
    """Months, quarters and years of this year (up to now) and the whole of last year."""
    periods = []
    for year in (today.year - 1, today.year):
        last_month = 12 if year < today.year else today.month
        periods += [period_containing("month", datetime.date(year, m, 1)) for m in range(1, last_month + 1)]
        last_quarter = 4 if year < today.year else (today.month - 1) // 3 + 1
        periods += [period_containing("quarter", datetime.date(year, q * 3 - 2, 1)) for q in range(1, last_quarter + 1)]
        periods.append(period_containing("year", datetime.date(year, 1, 1)))
    return periods


@transaction.atomic
def refresh_summaries(*, actor, now: datetime.datetime | None = None, history: bool = False, metrics=None) -> dict:
    """Recompute every registered metric for every organisation and upsert the snapshots.

    ``history=False`` (the 15-minute beat) refreshes the current month, quarter and
    year; ``history=True`` (nightly and ``manage.py refresh_summaries --history``)
    also this year's and last year's past months, quarters and years. Rerunning is
    harmless: rows are keyed on (metric, organisation, period).
    """
    now = now or timezone.now()
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    registry = metrics or metric_registry.available()
    orgs = list(dashboard_orgs().only("id", "path", "kind"))
    period_sets = history_periods(today) if history else current_periods(today)
    this_month = period_containing("month", today)
    rows = []
    with stats.memoized():
        for name, metric in sorted(registry.items()):
            if is_current_state(name):
                periods = [this_month]
            elif is_annual(name):
                periods = [p for p in period_sets if p.kind == "year"]
            else:
                periods = period_sets
            for period in periods:
                values = metric.many(orgs, period)
                for org in orgs:
                    value = values.get(org.pk)
                    rows.append((name, org.pk, period.kind, period.key, None if value is None else float(value), now))
    upsert_rows(
        MetricSnapshot,
        ["metric", "organization_id", "period_kind", "period_key", "value", "computed_at"],
        rows,
        unique=["metric", "organization_id", "period_key"],
        chunk=SNAPSHOT_CHUNK,
        # A figure keeps the time it took its value: most figures of past periods do not move, and rewriting
        # 650,000 rows with their five indexes was most of a refresh. The refresh's own time is PortalState's.
        changed=["value", "period_kind"],
    )
    state = PortalState.objects.filter(key="summaries_refreshed").first()
    before = dict(state.detail, at=state.at.isoformat()) if state else None
    detail = {
        "rows": len(rows),
        "metrics": len(registry),
        "organizations": len(orgs),
        "periods": [p.key for p in period_sets],
        "history": history,
    }
    PortalState.objects.update_or_create(key="summaries_refreshed", defaults={"at": now, "detail": detail})
    bump_generation(on_commit=True)
    audit.record(actor, "dashboards.refresh", object_type="dashboards", before=before, after=detail)
    return detail


# Rendered dashboard pages are cached (dashboards/views.py) under this generation: every refresh of the
# figures and every change to the organisation tree starts a new one, so a cached page never outlives
# the data it shows. Monotonic in the cache, so tests and processes never meet an old page.
GENERATION_KEY = "dashboards:generation"
# The period a dashboard opens on (the page without ``?period=``; the worker warms this view).
DEFAULT_PERIOD_KIND = "quarter"


def period_choices(today: datetime.date) -> list[Period]:
    """The periods a dashboard page offers: this month, quarter and year, the last quarter and the last year."""
    quarter, year = period_containing("quarter", today), period_containing("year", today)
    return [period_containing("month", today), quarter, year, quarter.previous(), year.previous()]


def page_cache_seconds() -> int:
    return settings.DASHBOARD_PAGE_CACHE_SECONDS


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def bump_generation(*, on_commit: bool = False, **_kwargs) -> None:
    """Start a new page generation; with ``on_commit`` once more when the transaction commits, so that a
    page rendered meanwhile from the old data is not served after the commit."""
    if on_commit:
        transaction.on_commit(bump_generation)
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): any new value differs from the pages cached so far
        cache.add(GENERATION_KEY, int(timezone.now().timestamp()), timeout=None)


def page_version(refreshed_at, today: datetime.date, show_all: bool) -> tuple:
    """What a cached dashboard page depends on besides its organisation, period and ranking: the
    generation, the refresh it shows, the day and the language (the page and the worker's warming
    compute it here, so both name the same cache entry)."""
    return (generation(), refreshed_at, today, get_language(), bool(show_all))


def last_refresh() -> datetime.datetime | None:
    return PortalState.objects.filter(key="summaries_refreshed").values_list("at", flat=True).first()
