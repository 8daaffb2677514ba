"""Annual work plans and half-year / annual summaries (工作计划与总结), reviewed by the organisation above."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.querysets import ScopedQuerySet
from branches.uploads import AttachmentBase


class ReportKind(models.TextChoices):
    ANNUAL_PLAN = "annual_plan", _("Annual work plan")
    HALF_YEAR_SUMMARY = "half_year_summary", _("Half-year summary")
    ANNUAL_SUMMARY = "annual_summary", _("Annual summary")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


# Local practice, kept as data (``FilingRule`` rows) with these defaults: the annual plan by 31 March
# (in Q1, DOMAIN.md §10), the half-year summary by 15 July, the annual summary by 15 January of the next year.
DEFAULT_DUE = {
    ReportKind.ANNUAL_PLAN: (0, 3, 31),
    ReportKind.HALF_YEAR_SUMMARY: (0, 7, 15),
    ReportKind.ANNUAL_SUMMARY: (1, 1, 15),
}


class FilingRule(models.Model):
    """When a kind of report is due: ``year + year_offset``-``month``-``day``."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices, unique=True)
    year_offset = models.PositiveSmallIntegerField(_("years after the report's year"), default=0)
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))

    class Meta:
        verbose_name = _("filing deadline")
        verbose_name_plural = _("filing deadlines")

    def __str__(self):
        return f"{self.get_kind_display()} {self.month}-{self.day}"

    @classmethod
    def due_dates(cls, year: int) -> dict[str, datetime.date]:
        rules = {k: DEFAULT_DUE[k] for k in ReportKind.values}
        rules.update({r.kind: (r.year_offset, r.month, r.day) for r in cls.objects.all()})
        return {k: datetime.date(year + off, m, d) for k, (off, m, d) in rules.items()}


class PlanReport(models.Model):
    scope_field = "organization"
    scope_permissions = {"view": "plan.view", "change": "plan.file", "review": "plan.review"}

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="plan_reports"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    due_date = models.DateField(_("due date"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.CharField(_("review comment"), max_length=500, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "kind", "organization__path"]
        verbose_name = _("plan or summary")
        verbose_name_plural = _("plans and summaries")
        constraints = [models.UniqueConstraint(fields=["organization", "kind", "year"], name="plan_report_once")]
        indexes = [models.Index(fields=["kind", "year", "status"])]

    def __str__(self):
        return self.title

    @property
    def filed_on_time(self) -> bool:
        first = self.first_submitted_at
        return first is not None and first.date() <= self.due_date


class PlanFile(AttachmentBase):
    scope_field = "report__organization"
    scope_permissions = {"view": "plan.view", "change": "plan.file"}

    report = models.ForeignKey(PlanReport, on_delete=models.CASCADE, related_name="files")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("plan file")
        verbose_name_plural = _("plan files")
