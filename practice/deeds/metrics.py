"""Figures of 我为群众办实事: completion rate, items completed, items overdue (the period's year)."""

from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.links import list_url
from branches.metric_registry import Metric

from . import stats


def _url(org, period, status=""):
    url = f"{list_url('practice:deed_list')}?org={org.pk}&year={period.start.year}"
    return f"{url}&status={status}" if status else url


metric_registry.register(
    Metric(
        "practice.deeds_completion",
        _("Practical deeds completed (%)"),
        "%",
        many=stats.completion_rate,
        drill_url=lambda org, period: _url(org, period),
    )
)
metric_registry.register(
    Metric(
        "practice.deeds_done",
        _("Practical deeds completed"),
        "件",
        many=stats.done_count,
        drill_url=lambda org, period: _url(org, period, "done"),
    )
)
metric_registry.register(
    Metric(
        "practice.deeds_overdue",
        _("Practical deeds overdue"),
        "件",
        many=stats.overdue_count,
        drill_url=lambda org, period: _url(org, period, "overdue"),
        higher_is_better=False,
    )
)
