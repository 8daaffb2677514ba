"""Numbers other apps read by name: study completion rate and study hours per capita.

Each aggregates every organisation's whole subtree in a fixed number of queries:
grouped queries over the members' organisations, summed by materialised path in
Python; hours per capita counts heads as ``branches.stats`` does (a party group
counts the members it groups through ``party_group``).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.kept import KeptFigures
from branches.links import list_url
from branches.rollup import subtree_sums
from branches.stats import member_counts, subtree_filter, subtree_totals

from .models import Assignment, HoursEntry


def completion_counts(orgs, period) -> dict:
    """{org.pk: (completed, due)} for assignments due in the period, members of each subtree."""
    orgs = list(orgs)
    if not orgs:
        return {}
    rows = (
        Assignment.objects.filter(due_date__gte=period.start, due_date__lte=period.end)
        # only the subtrees asked for: a branch's page must not add up the whole city
        .filter(subtree_filter(orgs, "member__organization"))
        .values("member__organization__path")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(completed_at__isnull=False, completed_at__lt=period.end_datetime())),
        )
    )
    totals, dones = defaultdict(int), defaultdict(int)
    for r in rows:
        totals[r["member__organization__path"]] += r["total"]
        dones[r["member__organization__path"]] += r["done"]
    total = subtree_sums(totals, orgs)
    done = subtree_sums(dones, orgs)
    return {pk: (done[pk], total[pk]) for pk in total}


def completion_rate(orgs, period) -> dict:
    return {
        pk: (round(100.0 * done / due, 1) if due else None)
        for pk, (done, due) in completion_counts(orgs, period).items()
    }


def hours_per_capita(orgs, period) -> dict:
    """{org.pk: study hours per party member} over each subtree: the hours entered in the period and the
    head count as every other figure counts them (``branches.stats``: a party group counts its members)."""
    orgs = list(orgs)
    if not orgs:
        return {}
    entries = HoursEntry.objects.filter(created_at__gte=period.start_datetime(), created_at__lt=period.end_datetime())
    hours = subtree_totals(entries, orgs, member="member", value=Sum("hours"))
    heads = member_counts(orgs)
    return {pk: (round(float(hours[pk]) / heads[pk], 1) if heads[pk] else None) for pk in hours}


# The committee's study overview adds up every assignment and hours entry of its subtree (a city: 40,000
# assignments and 90,000 ledger rows, about 300 ms). Its figures are kept for ``STUDY_SUMMARY_SECONDS`` under
# a version every write to assignments and hours moves on (the models' signals; the bulk assignment of a
# module and of make-up study call ``FIGURES.changed``); register changes show within the interval.
FIGURES = KeptFigures("study", "STUDY_SUMMARY_SECONDS")


def overview_figures(orgs, period):
    """``((completion_counts, hours_per_capita), taken_at)`` for the organisations of an overview."""
    orgs = list(orgs)
    parts = ("overview", period.key, *(o.pk for o in orgs))
    return FIGURES.get(parts, lambda: (completion_counts(orgs, period), hours_per_capita(orgs, period)))


def _drill(org, period):

    return f"{list_url('training:committee_overview')}?org={org.pk}&period={period.key}"


metric_registry.register(
    metric_registry.Metric(
        "study.completion_rate", _("Study completion rate"), "%", many=completion_rate, drill_url=_drill
    )
)
metric_registry.register(
    metric_registry.Metric(
        "study.hours_per_capita", _("Study hours per member"), "学时", many=hours_per_capita, drill_url=_drill
    )
)
