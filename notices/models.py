"""Notices (通知公告), their files and formal documents (文件下发), recipients and versions; the models of
material collection and plans live in their packages and are gathered here for Django."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.querysets import ScopedQuerySet
from branches.roles import Role
from branches.uploads import AttachmentBase

from .collection.models import (  # noqa: F401 (gathered for Django)
    FieldType,
    MaterialRequest,
    RequestStatus,
    RequestTemplate,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from .plans.models import FilingRule, PlanFile, PlanReport, ReportKind, ReportStatus  # noqa: F401


class NoticeCategory(models.TextChoices):
    NOTICE = "notice", _("Notice")  # 通知
    BULLETIN = "bulletin", _("Bulletin")  # 通报
    ANNOUNCEMENT = "announcement", _("Announcement")  # 公告
    NEWS = "news", _("Work news")  # 工作动态


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NoticeQuerySet(ScopedQuerySet):
    """``visible_to`` is the sender's side (notices of the organisations one may send for);
    ``received_by`` the recipient's; ``accessible_to`` either."""

    def received_by(self, user, now=None):
        if user is None or not user.is_authenticated:
            return self.none()
        now = now or timezone.now()
        return self.filter(
            Exists(NoticeRecipient.objects.filter(notice=OuterRef("pk"), user=user)),
            status__in=[NoticeStatus.PUBLISHED, NoticeStatus.WITHDRAWN],
            published_at__lte=now,
        )

    def accessible_to(self, user, now=None):
        if user is None or not user.is_authenticated:
            return self.none()
        now = now or timezone.now()
        sent = Q(organization__in=Organization.objects.visible_to(user, "notice.send").values("pk"))
        received = Q(
            Exists(NoticeRecipient.objects.filter(notice=OuterRef("pk"), user=user)),
            status__in=[NoticeStatus.PUBLISHED, NoticeStatus.WITHDRAWN],
            published_at__lte=now,
        )
        return self.filter(sent | received)


class Notice(models.Model):
    scope_field = "organization"
    scope_permissions = {"view": "notice.send", "change": "notice.send"}

    organization = models.ForeignKey(
        Organization, verbose_name=_("issuing organisation"), on_delete=models.PROTECT, related_name="notices"
    )
    category = models.CharField(_("category"), max_length=20, choices=NoticeCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)  # sanitised HTML (notices.formatting)
    status = models.CharField(_("status"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    requires_receipt = models.BooleanField(_("receipt required"), default=False)
    receipt_deadline = models.DateField(_("receipt deadline"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # Published for a later time: the reminder sweep announces it when the time comes.
    scheduled = models.BooleanField(_("scheduled"), default=False)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(requires_receipt=False) | Q(receipt_deadline__isnull=False),
                name="notice_receipt_needs_deadline",
            )
        ]

    def __str__(self):
        return self.title

    def is_scheduled(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == NoticeStatus.PUBLISHED and self.published_at is not None and self.published_at > now


class AudienceKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organisation")
    ROLE = "role", _("Role holders")
    PERSON = "person", _("Named person")


class NoticeAudience(models.Model):
    """One line of the audience: an organisation (± subtree), a role under an organisation, or a person."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="audience")
    kind = models.CharField(_("audience kind"), max_length=20, choices=AudienceKind.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    include_subtree = models.BooleanField(_("with subtree"), default=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True, on_delete=models.CASCADE
    )

    class Meta:
        ordering = ["notice_id", "id"]
        verbose_name = _("audience")
        verbose_name_plural = _("audience")

    def __str__(self):
        if self.kind == AudienceKind.PERSON:
            return str(getattr(self.user, "full_name", "") or self.user)
        if self.kind == AudienceKind.ROLE:
            return f"{self.organization} · {self.get_role_display()}"
        return f"{self.organization}{'（含下级）' if self.include_subtree else ''}"


class NoticeRecipient(models.Model):
    """One person a published notice reaches, with the organisation they are counted under."""

    scope_field = "organization"
    scope_permissions = {"view": "notice.send", "change": "notice.send"}

    # No index of their own on notice and user: the unique (notice, user) and the (user, notice) index lead
    # with them. A notice to the whole register writes some 20,000 rows, and each index costs on each row.
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    reply = models.CharField(_("reply"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["notice_id", "id"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_recipient_once")]
        indexes = [models.Index(fields=["user", "notice"]), models.Index(fields=["notice", "organization"])]

    def __str__(self):
        return f"{self.notice} · {self.user_id}"


class NoticeVersion(models.Model):
    """The text before a correction, and what the correction changed."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    change_note = models.CharField(_("what changed"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["notice_id", "-number"]
        verbose_name = _("notice version")
        verbose_name_plural = _("notice versions")
        constraints = [models.UniqueConstraint(fields=["notice", "number"], name="notice_version_once")]

    def __str__(self):
        return f"{self.notice_id} v{self.number}"


class Classification(models.TextChoices):
    # Nothing classified belongs in the portal: only these two levels.
    PUBLIC = "public", _("Public")  # 公开
    INTERNAL = "internal", _("Internal")  # 内部


class NoticeFile(AttachmentBase):
    """An attachment; with a document number (文号) it is a formal document (文件下发)."""

    scope_field = "notice__organization"
    scope_permissions = {"view": "notice.send", "change": "notice.send"}

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="files")
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    classification = models.CharField(
        _("classification"), max_length=10, choices=Classification.choices, default=Classification.PUBLIC
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("notice file")
        verbose_name_plural = _("notice files")

    @property
    def is_document(self) -> bool:
        return bool(self.doc_number)


class FileDownload(models.Model):
    """Who downloaded which file when (the download log of distributed documents)."""

    file = models.ForeignKey(NoticeFile, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        indexes = [models.Index(fields=["file", "user"])]

    def __str__(self):
        return f"{self.file_id}:{self.user_id}"
