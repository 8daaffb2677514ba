from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import ScopedQuerySet


class StepKind(models.TextChoices):
    """The recorded steps of the development pipeline (发展党员), in order."""

    APPLICATION = "application", _("Application submitted")
    TALK = "talk", _("Talk with the applicant")
    ACTIVIST = "activist", _("Named an activist")
    CANDIDATE = "candidate", _("Named a development candidate")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    ADMISSION = "admission", _("Admitted as probationary member")
    APPROVAL = "approval", _("Approved by the higher committee")
    EXTENSION = "extension", _("Probation extended")
    CONVERSION = "conversion", _("Converted to full member")


STEP_ORDER = list(StepKind.values)


class DevelopmentStep(models.Model):
    """One dated step of a person's development. Steps are added, never overwritten."""

    scope_field = "member__organization"
    scope_permissions = {"view": "member.view", "change": "member.change"}

    member = models.ForeignKey(
        "branches.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="development_steps"
    )
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    date = models.DateField(_("date"))
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)  # extension length
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["member_id", "date", "id"]
        verbose_name = _("development step")
        verbose_name_plural = _("development steps")
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="unique_development_step")]
        indexes = [models.Index(fields=["kind", "date"])]

    def __str__(self):
        return f"{self.member} · {self.get_kind_display()} · {self.date:%Y-%m-%d}"
