"""Published numbers of organisational life, all computed by the one compliance service."""

from django.utils.translation import gettext_lazy as _

from .. import metric_registry, stats
from ..links import list_url
from ..metric_registry import Metric
from . import compliance


def _totals(orgs, period):
    """The compliance totals, computed once per refresh for the three metrics read off them."""
    orgs = list(orgs)
    key = ("meetings.compliance", tuple(o.pk for o in orgs), period.key)
    return stats.shared(key, lambda: compliance.subtree_totals(orgs, period))


def compliance_rate(orgs, period):
    return {pk: oc.rate for pk, oc in _totals(orgs, period).items()}


def first_topic_rate(orgs, period):
    return {pk: oc.first_topic_rate for pk, oc in _totals(orgs, period).items()}


def missing_count(orgs, period):
    return {pk: oc.missing for pk, oc in _totals(orgs, period).items()}


def missing_url(org, period):
    return f"{list_url('meetings:missing_list')}?org={org.pk}&period={period.key}"


metric_registry.register(
    Metric("meetings.compliance_rate", _("Meeting compliance rate"), "%", many=compliance_rate, drill_url=missing_url)
)


def first_topic_url(org, period):
    """The meetings the coverage counts; the list says how many of them covered the first topic."""
    return f"{list_url('meetings:meeting_list')}?org={org.pk}&period={period.key}&status=submitted&first_topic=required"


metric_registry.register(
    Metric(
        "meetings.first_topic_rate",
        _("First-topic coverage"),
        "%",
        many=first_topic_rate,
        drill_url=first_topic_url,
    )
)
metric_registry.register(
    Metric(
        "meetings.missing_count",
        _("Required meetings not held"),
        "次",
        many=missing_count,
        drill_url=missing_url,
        higher_is_better=False,
    )
)
