"""调查研究: research topics per unit per year, the report filed, and what it led to (成果转化)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.querysets import ScopedQuerySet
from branches.uploads import AttachmentBase


class ResearchTopic(models.Model):
    scope_field = "organization"
    scope_permissions = {"view": "practice.view", "change": "practice.change"}

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("research topic"), max_length=200)
    leader = models.ForeignKey(
        "branches.Member", verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField("branches.Member", verbose_name=_("team"), blank=True, related_name="+")
    plan = models.TextField(_("plan"), blank=True)
    report_filed_on = models.DateField(_("report filed on"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-year", "id"]
        verbose_name = _("research topic")
        verbose_name_plural = _("research topics")
        indexes = [models.Index(fields=["organization", "year"])]

    def __str__(self):
        return self.title


class ResearchReport(AttachmentBase):
    scope_field = "topic__organization"
    scope_permissions = {"view": "practice.view", "change": "practice.change"}

    topic = models.ForeignKey(ResearchTopic, on_delete=models.CASCADE, related_name="reports")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("research report")
        verbose_name_plural = _("research reports")


class ResearchPhoto(AttachmentBase):
    """Photos of the research (visits, discussions), checked and re-encoded by ``branches.uploads``."""

    scope_field = "topic__organization"
    scope_permissions = {"view": "practice.view", "change": "practice.change"}

    topic = models.ForeignKey(ResearchTopic, on_delete=models.CASCADE, related_name="photos")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("research photo")
        verbose_name_plural = _("research photos")


class OutcomeKind(models.TextChoices):
    POLICY = "policy", _("A policy or rule")
    MEASURE = "measure", _("A working measure")
    PROBLEM = "problem", _("A problem solved")
    OTHER = "other", pgettext_lazy("practice", "Other")


class ResearchOutcome(models.Model):
    """成果转化: what a research topic led to."""

    topic = models.ForeignKey(ResearchTopic, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind of outcome"), max_length=20, choices=OutcomeKind.choices)
    description = models.TextField(_("description"))
    date = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("research outcome")
        verbose_name_plural = _("research outcomes")

    def __str__(self):
        return self.description[:50]
