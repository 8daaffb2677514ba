"""Material collection (材料报送): a request sent down the tree and one submission per target."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.querysets import ScopedQuerySet
from branches.uploads import AttachmentBase


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    FILE = "file", _("File")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class MaterialRequest(models.Model):
    """Asked by an organisation (the committee or a unit) of organisations in its subtree.

    ``fields`` defines the structured form as data: ``[{"key", "label", "type", "choices", "required"}]``.
    """

    scope_field = "organization"
    scope_permissions = {"view": "collection.request", "change": "collection.request"}

    organization = models.ForeignKey(
        Organization, verbose_name=_("requesting organisation"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    deadline = models.DateField(_("deadline"))
    fields = models.JSONField(_("form fields"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A unit answering a request from above may ask its own subtree the same questions (relay); the
    # accepted answers are then gathered into its own submission and passed up (the aggregate).
    relayed_from = models.ForeignKey(
        "Submission",
        verbose_name=_("relayed from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relays",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("material request")
        verbose_name_plural = _("material requests")

    def __str__(self):
        return self.title


class RequestTemplate(AttachmentBase):
    """The template file targets download and fill in."""

    scope_field = "request__organization"
    scope_permissions = {"view": "collection.request", "change": "collection.request"}

    request = models.ForeignKey(MaterialRequest, on_delete=models.CASCADE, related_name="templates")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("template file")
        verbose_name_plural = _("template files")


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Not submitted")  # 未报
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")  # 已报
    RETURNED = "returned", _("Returned")  # 退回
    ACCEPTED = "accepted", _("Accepted")  # 通过


class SubmissionQuerySet(ScopedQuerySet):
    def accessible_to(self, user):
        """The target's side (``collection.submit`` on the target) or the requester's."""
        if user is None or not user.is_authenticated:
            return self.none()
        mine = Organization.objects.visible_to(user, "collection.submit").values("pk")
        asked = MaterialRequest.objects.visible_to(user, "view").values("pk")
        return self.filter(Q(organization__in=mine) | Q(request__in=asked))

    def for_requester(self, user):
        return self.filter(Exists(MaterialRequest.objects.visible_to(user, "view").filter(pk=OuterRef("request_id"))))


class Submission(models.Model):
    """One target organisation's answer; created (未报) for every target when the request is issued."""

    scope_field = "organization"
    scope_permissions = {"view": "collection.submit", "change": "collection.submit"}

    request = models.ForeignKey(MaterialRequest, on_delete=models.CASCADE, related_name="submissions")
    organization = models.ForeignKey(Organization, verbose_name=_("organisation"), on_delete=models.CASCADE)
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    returned_count = models.PositiveSmallIntegerField(default=0)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["request_id", "organization__path"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [models.UniqueConstraint(fields=["request", "organization"], name="submission_once")]
        indexes = [models.Index(fields=["request", "status"])]

    def __str__(self):
        return f"{self.request} · {self.organization}"


class SubmissionFile(AttachmentBase):
    scope_field = "submission__organization"
    scope_permissions = {"view": "collection.submit", "change": "collection.submit"}

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(max_length=40, blank=True)  # "" = the main material file
    # Gathered from the organisations below (a relay's accepted files, or the summary sheet), not uploaded here.
    aggregated = models.BooleanField(default=False)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
