"""Figures of community service: confirmed volunteer hours, in all and per party member."""

from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.links import list_url
from branches.metric_registry import Metric

from . import stats


def confirmed_url(org, period):
    """The confirmed service records the figures add up (the list shows their hours in all)."""
    return f"{list_url('practice:service_list')}?org={org.pk}&period={period.key}&status=confirmed"


metric_registry.register(
    Metric("practice.volunteer_hours", _("Volunteer hours"), "小时", many=stats.hours_sums, drill_url=confirmed_url)
)
metric_registry.register(
    Metric(
        "practice.volunteer_hours_per_member",
        _("Volunteer hours per member"),
        "小时/人",
        many=stats.hours_per_member,
        drill_url=confirmed_url,
    )
)
