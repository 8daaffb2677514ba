"""驻村第一书记: cadres sent to villages, their terms and quarterly work reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.querysets import ScopedQuerySet
from branches.uploads import AttachmentBase


class PostingQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = "view"):
        """The dispatching units' keepers; and the first secretary sees their own posting."""
        qs = super().visible_to(user, action)
        if action == "view" and user is not None and user.is_authenticated:
            return self.filter(Q(pk__in=qs.values("pk")) | Q(member__user=user))
        return qs


class FirstSecretary(models.Model):
    scope_field = "organization"
    scope_permissions = {"view": "practice.view", "change": "practice.manage"}

    member = models.ForeignKey(
        "branches.Member", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="village_postings"
    )
    # The dispatching unit's organisation: whose roster it is, and whose admins are reminded.
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("dispatching unit"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.CharField(_("village"), max_length=100)
    township = models.CharField(_("township and county"), max_length=100, blank=True)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-term_start", "id"]
        verbose_name = _("first secretary")
        verbose_name_plural = _("first secretaries")

    def __str__(self):
        return f"{self.member.name} · {self.village}"


class VillageReport(models.Model):
    scope_field = "posting__organization"
    scope_permissions = {"view": "practice.view", "change": "practice.manage"}

    posting = models.ForeignKey(FirstSecretary, on_delete=models.CASCADE, related_name="reports")
    quarter = models.CharField(_("quarter"), max_length=7)  # Period key, e.g. "2026-Q1"
    content = models.TextField(_("work report"))
    filed_on = models.DateField(_("filed on"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["posting_id", "quarter"]
        verbose_name = _("quarterly work report")
        verbose_name_plural = _("quarterly work reports")
        constraints = [models.UniqueConstraint(fields=["posting", "quarter"], name="practice_one_report_a_quarter")]

    def __str__(self):
        return f"{self.posting} {self.quarter}"


class VillageReportFile(AttachmentBase):
    """A file with a quarterly report (the signed report, a photo of the work), checked by ``branches.uploads``."""

    scope_field = "report__posting__organization"
    scope_permissions = {"view": "practice.view", "change": "practice.manage"}

    report = models.ForeignKey(VillageReport, on_delete=models.CASCADE, related_name="files")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
