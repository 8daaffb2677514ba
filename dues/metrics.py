"""Published dues figures (for the four-strong assessment and the dashboards)."""

from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.links import list_url
from branches.metric_registry import Metric

from . import collection


def collection_rate(orgs, period):
    return {pk: collection.rate(s, o) for pk, (s, o) in collection.counts(orgs, period).items()}


def unpaid_count(orgs, period):
    return {pk: o - s for pk, (s, o) in collection.counts(orgs, period).items()}


def collection_url(org, period):
    return f"{list_url('dues:collection')}?org={org.pk}&period={period.key}"


def unpaid_url(org, period):
    return f"{collection_url(org, period)}&unpaid=1"


metric_registry.register(
    Metric("dues.collection_rate", _("Dues collection rate"), "%", many=collection_rate, drill_url=collection_url)
)
metric_registry.register(
    Metric(
        "dues.unpaid_count",
        _("Member-months of dues unpaid"),
        "人次",
        many=unpaid_count,
        drill_url=unpaid_url,
        higher_is_better=False,
    )
)
