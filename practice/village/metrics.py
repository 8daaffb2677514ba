"""Figures of the first secretaries: quarterly work reports filed in the period."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.links import list_url
from branches.metric_registry import Metric
from branches.rollup import subtree_sums

from .models import VillageReport


def reports_filed(orgs, period):
    rows = (
        VillageReport.objects.filter(filed_on__gte=period.start, filed_on__lte=period.end)
        .values_list("posting__organization__path")
        .annotate(n=Count("id"))
    )
    return subtree_sums(rows, orgs)


metric_registry.register(
    Metric(
        "practice.village_reports",
        _("First secretaries' reports filed"),
        "份",
        many=reports_filed,
        drill_url=lambda org, period: f"{list_url('practice:village_report_list')}?org={org.pk}&period={period.key}",
    )
)
