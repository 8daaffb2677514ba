"""Organisational life (组织生活): meetings, attendance, topics, files, versions and the rules as data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..querysets import ScopedQuerySet
from ..uploads import AttachmentBase


class MeetingKind(models.TextChoices):
    MEMBER_ASSEMBLY = "member_assembly", _("Branch general meeting")
    COMMITTEE = "committee", _("Branch committee meeting")
    GROUP = "group", _("Party group meeting")
    LECTURE = "lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme party day")
    ORG_LIFE = "org_life", _("Organisational life meeting")
    DEMOCRATIC_REVIEW = "democratic_review", _("Democratic review of members")
    TALK = "talk", _("Heart-to-heart talk")
    PARTY_COMMITTEE = "party_committee", _("Party committee meeting")
    CENTRAL_GROUP = "central_group", _("Central group study")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("meetings", "Submitted")
    CANCELLED = "cancelled", _("Cancelled")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


class Quorum(models.TextChoices):
    NONE = "none", _("No quorum")
    MEMBERS = "members", _("More than half of members")
    COMMITTEE = "committee", _("More than half of the committee")


class ReviewGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASIC = "basic", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


class PeriodKind(models.TextChoices):
    MONTH = "month", pgettext_lazy("meetings", "Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class MeetingKindRule(models.Model):
    """Per meeting kind: does it need a first topic, which quorum applies (data, not code)."""

    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices, unique=True)
    requires_first_topic = models.BooleanField(_("requires a first topic"), default=False)
    quorum = models.CharField(_("quorum"), max_length=20, choices=Quorum.choices, default=Quorum.NONE)

    class Meta:
        verbose_name = _("meeting kind rule")
        verbose_name_plural = _("meeting kind rules")

    def __str__(self):
        return self.get_kind_display()


class FrequencyRule(models.Model):
    """kind × organisation kind × period × minimum count, seeded with DOMAIN.md §4."""

    kind = models.CharField(_("meeting kind"), max_length=30, choices=MeetingKind.choices)
    organization_kind = models.CharField(_("organisation kind"), max_length=20)
    period = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    min_count = models.PositiveSmallIntegerField(_("minimum count"), default=1)
    only_with_groups = models.BooleanField(_("only for organisations with party groups"), default=False)
    # 支部工作条例: a branch committee is required from 7 full members; a branch below that has a
    # secretary only and owes no committee meetings unless a committee is recorded.
    only_with_committee = models.BooleanField(_("only for organisations with a committee"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("frequency rule")
        verbose_name_plural = _("frequency rules")
        constraints = [
            models.UniqueConstraint(fields=["kind", "organization_kind", "period"], name="unique_frequency_rule")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} / {self.organization_kind} / {self.period} ≥ {self.min_count}"


class MeetingSettings(models.Model):
    """One row of configurable numbers (local practice)."""

    lock_days = models.PositiveSmallIntegerField(_("days after submission until locked"), default=7)
    remind_days_before = models.PositiveSmallIntegerField(_("remind this many days before period end"), default=7)
    signin_early_minutes = models.PositiveSmallIntegerField(_("sign-in opens minutes before start"), default=30)
    # 优秀 ≤ numerator / denominator of the graded members (default one third)
    excellent_max_numerator = models.PositiveSmallIntegerField(_("excellent share: numerator"), default=1)
    excellent_max_denominator = models.PositiveSmallIntegerField(_("excellent share: denominator"), default=3)

    class Meta:
        verbose_name = _("meeting settings")
        verbose_name_plural = _("meeting settings")

    def __str__(self):
        return str(_("meeting settings"))

    @classmethod
    def current(cls) -> "MeetingSettings":
        obj = cls.objects.order_by("pk").first()
        return obj or cls()


class MeetingQuerySet(ScopedQuerySet):
    def held(self):
        return self.filter(status=MeetingStatus.SUBMITTED)


class Meeting(models.Model):
    scope_field = "organization"
    scope_permissions = {"view": "meeting.view", "change": "meeting.change"}

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices, db_index=True)
    title = models.CharField(pgettext_lazy("meetings", "title"), max_length=200)
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    host = models.ForeignKey(
        "branches.Member", verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorder = models.ForeignKey(
        "branches.Member",
        verbose_name=_("recorder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED, db_index=True
    )
    minutes = models.TextField(_("minutes"), blank=True)
    resolutions = models.TextField(_("resolutions"), blank=True)
    problems = models.TextField(_("problem list"), blank=True, help_text=_("One problem per line."))
    rectifications = models.TextField(_("rectification list"), blank=True, help_text=_("One measure per line."))
    has_first_topic = models.BooleanField(default=False, editable=False)
    signin_code = models.CharField(_("sign-in code"), max_length=8, blank=True, db_index=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(pgettext_lazy("meetings", "submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["organization", "status", "start"])]

    def __str__(self):
        return self.title

    @property
    def held_at(self):
        return self.start


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("branches.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("attendance"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.ABSENT
    )
    leave_reason = models.CharField(_("reason for leave"), max_length=200, blank=True)
    is_committee = models.BooleanField(_("committee member"), default=False)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    grade = models.CharField(_("review grade"), max_length=20, choices=ReviewGrade.choices, blank=True)

    class Meta:
        ordering = ["meeting_id", "-is_committee", "member__name", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="unique_meeting_attendance")]

    def __str__(self):
        return f"{self.member_id} · {self.get_status_display()}"


class Topic(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(pgettext_lazy("meetings", "topic"), max_length=300)
    is_first_topic = models.BooleanField(_("first topic"), default=False)
    material = models.CharField(_("material studied"), max_length=300, blank=True)

    class Meta:
        ordering = ["meeting_id", "order", "id"]
        verbose_name = pgettext_lazy("meetings", "topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.title


class MeetingAttachment(AttachmentBase):
    scope_field = "meeting__organization"
    scope_permissions = {"view": "meeting.view", "change": "meeting.change"}

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("meeting file")
        verbose_name_plural = _("meeting files")


class MeetingVersion(models.Model):
    """A snapshot taken before a correction of a locked meeting; the history."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    reason = models.CharField(_("reason for correction"), max_length=300)
    data = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "-number"]
        verbose_name = _("meeting version")
        verbose_name_plural = _("meeting versions")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="unique_meeting_version")]

    def __str__(self):
        return f"v{self.number}"
