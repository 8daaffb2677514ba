"""我为群众办实事: each unit's list of practical things done for people in a year."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.querysets import ScopedQuerySet


class DeedStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("deeds", "In progress")
    DONE = "done", _("Completed")


class Deed(models.Model):
    scope_field = "organization"
    scope_permissions = {"view": "practice.view", "change": "practice.change", "manage": "practice.manage"}

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("practical item"), max_length=200)
    problem = models.TextField(_("problem it solves"), blank=True)
    responsible_organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("responsible organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_person = models.ForeignKey(
        "branches.Member",
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DeedStatus.choices, default=DeedStatus.NOT_STARTED, db_index=True
    )
    result = models.TextField(_("result"), blank=True)
    # Optional: the share of the people served who were satisfied (%), from the unit's own survey.
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published on the showcase"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "deadline", "id"]
        verbose_name = _("practical deed")
        verbose_name_plural = _("practical deeds")
        indexes = [models.Index(fields=["organization", "year", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__lte=100),
                name="practice_deed_satisfaction_percent",
            )
        ]

    def __str__(self):
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status != DeedStatus.DONE and self.deadline < today
