"""Pre-computed dashboard figures: one row per (metric, organisation, period).

Dashboards read only these rows, so a page costs the same whatever the history
behind the figures. ``portal.dashboards.refresh_summaries`` keeps them current
(worker every 15 minutes; ``manage.py refresh_summaries`` on demand).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MetricSnapshot(models.Model):
    metric = models.CharField(_("metric"), max_length=80)
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    period_kind = models.CharField(_("period kind"), max_length=10)
    period_key = models.CharField(_("period"), max_length=10)
    value = models.FloatField(_("value"), null=True, blank=True)
    # When the figure took its value: a refresh that finds the same value leaves the row alone
    # (snapshots.refresh_summaries); when the figures were last refreshed is PortalState "summaries_refreshed".
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        constraints = [
            models.UniqueConstraint(fields=["metric", "organization", "period_key"], name="unique_metric_snapshot")
        ]
        indexes = [
            models.Index(fields=["organization", "period_key"], name="snapshot_org_period"),
            # the ranking: one metric and period, walked in value order, stopping after the worst N children
            models.Index(fields=["metric", "period_key", "value"], name="snapshot_rank"),
        ]

    def __str__(self):
        return f"{self.metric} {self.organization_id} {self.period_key} = {self.value}"
