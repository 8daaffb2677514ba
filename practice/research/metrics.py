"""Figures of 调查研究: topics registered and reports filed (the period's year)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.links import list_url
from branches.metric_registry import Metric
from branches.rollup import subtree_sums

from .models import ResearchTopic


def _counts(orgs, period, key):
    rows = list(
        ResearchTopic.objects.filter(year=period.start.year)
        .values_list("organization__path")
        .annotate(total=Count("id"), filed=Count("id", filter=Q(report_filed_on__isnull=False)))
    )
    index = {"total": 1, "filed": 2}[key]
    return subtree_sums(((r[0], r[index]) for r in rows), orgs)


def _url(org, period, status=""):
    url = f"{list_url('practice:research_list')}?org={org.pk}&year={period.start.year}"
    return f"{url}&status={status}" if status else url


metric_registry.register(
    Metric(
        "practice.research_topics",
        _("Research topics"),
        "个",
        many=lambda orgs, period: _counts(orgs, period, "total"),
        drill_url=lambda org, period: _url(org, period),
    )
)
metric_registry.register(
    Metric(
        "practice.research_reports",
        _("Research reports filed"),
        "篇",
        many=lambda orgs, period: _counts(orgs, period, "filed"),
        drill_url=lambda org, period: _url(org, period, "filed"),
    )
)
