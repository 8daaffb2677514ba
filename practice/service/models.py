"""在职党员到社区报到 (双报到) and volunteer service.

A unit reports to a community (单位报到); each in-service member registers the community where they live
(个人报到) and logs volunteer service; the branch secretary records the community contact's confirmation.
Community contacts are a post or a name given by the community, never an ID number.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.querysets import OwnRecordsQuerySet, ScopedQuerySet


class ServiceSettings(models.Model):
    """The annual volunteering target (local practice, e.g. 2 activities or 8 hours a year) and when to remind."""

    target_activities = models.PositiveSmallIntegerField(_("annual target: activities"), default=2)
    target_hours = models.DecimalField(_("annual target: hours"), max_digits=5, decimal_places=1, default=Decimal("8"))
    remind_from_month = models.PositiveSmallIntegerField(_("remind members below target from month"), default=10)

    class Meta:
        verbose_name = _("volunteering settings")
        verbose_name_plural = _("volunteering settings")

    def __str__(self):
        return str(_("volunteering settings"))

    @classmethod
    def current(cls) -> "ServiceSettings":
        return cls.objects.order_by("pk").first() or cls()

    def meets(self, activities: int, hours) -> bool:
        """A member meets the target by reaching either number (a zero number is not used)."""
        by_count = self.target_activities and activities >= self.target_activities
        by_hours = self.target_hours and Decimal(hours or 0) >= self.target_hours
        return bool(by_count or by_hours or (not self.target_activities and not self.target_hours))


class CommunityReport(models.Model):
    """单位报到: one of our organisations reports to a community."""

    scope_field = "organization"
    scope_permissions = {"view": "practice.view", "change": "practice.manage"}

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("our organisation"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.CharField(_("community"), max_length=100)
    district = models.CharField(_("district"), max_length=50, blank=True)
    contact = models.CharField(_("community contact"), max_length=100, blank=True)
    reported_on = models.DateField(_("reported on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-reported_on", "id"]
        verbose_name = _("unit community report")
        verbose_name_plural = _("unit community reports")

    def __str__(self):
        return f"{self.organization.name} → {self.community}"


class ResidenceRegistration(models.Model):
    """个人报到: the community where an in-service member lives and has reported to."""

    scope_field = "member__organization"
    scope_permissions = {"view": "practice.view", "change": "practice.change"}

    member = models.OneToOneField(
        "branches.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="residence"
    )
    community = models.CharField(_("residential community"), max_length=100)
    district = models.CharField(_("district"), max_length=50, blank=True)
    registered_on = models.DateField(_("registered on"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        verbose_name = _("residential community registration")
        verbose_name_plural = _("residential community registrations")

    def __str__(self):
        return f"{self.member.name} → {self.community}"


class ServiceStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("practice", "Confirmed")
    REJECTED = "rejected", _("Not confirmed")


class VolunteerService(models.Model):
    scope_field = "member__organization"
    scope_permissions = {"view": "practice.view", "change": "practice.change"}

    member = models.ForeignKey(
        "branches.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="volunteer_services"
    )
    date = models.DateField(_("date"), db_index=True)
    community = models.CharField(_("community"), max_length=100)
    activity = models.CharField(_("service activity"), max_length=200)
    hours = models.DecimalField(pgettext_lazy("practice", "hours"), max_digits=4, decimal_places=1)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.PENDING, db_index=True
    )
    confirmer = models.CharField(_("confirmed by (community contact)"), max_length=100, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("volunteer service")
        verbose_name_plural = _("volunteer services")
        indexes = [models.Index(fields=["member", "date"]), models.Index(fields=["status", "date"])]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="practice_service_hours_positive")]

    def __str__(self):
        return f"{self.member.name} {self.date:%Y-%m-%d} {self.activity}"
