"""Figures of 联学联建: units covered by a pairing in force, joint activities held."""

from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.links import list_url
from branches.metric_registry import Metric

from . import stats


def coverage(orgs, period):
    return {pk: len(units) for pk, units in stats.covered_units(orgs, period).items()}


def coverage_url(org, period):
    return f"{list_url('practice:pairing_coverage')}?org={org.pk}&period={period.key}"


def activities_url(org, period):
    return f"{list_url('practice:activity_list')}?org={org.pk}&period={period.key}"


metric_registry.register(
    Metric("practice.pairing_coverage", _("Units with a pairing"), "个", many=coverage, drill_url=coverage_url)
)
metric_registry.register(
    Metric(
        "practice.pairing_activities",
        _("Joint activities held"),
        "次",
        many=stats.activity_counts,
        drill_url=activities_url,
    )
)
