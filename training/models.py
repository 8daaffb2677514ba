"""Study and training: modules, assignments, progress, the study-hours ledger, classes, lectures."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.querysets import OwnRecordsQuerySet, ScopedQuerySet
from branches.uploads import AttachmentBase


class StudyPolicy(models.Model):
    """The numbers the rules run on (data, seeded by a migration; one row is used)."""

    name = models.CharField(_("name"), max_length=50, unique=True, default="default")
    heartbeat_interval_seconds = models.PositiveIntegerField(_("heartbeat interval (s)"), default=30)
    heartbeat_slack_seconds = models.PositiveIntegerField(_("heartbeat slack (s)"), default=5)
    idle_cutoff_seconds = models.PositiveIntegerField(_("idle cut-off (s)"), default=300)
    daily_cap_minutes = models.PositiveIntegerField(_("daily cap (minutes)"), default=240)
    video_skip_slack_seconds = models.PositiveIntegerField(_("video skip slack (s)"), default=10)
    annual_target_hours = models.DecimalField(_("annual target (hours)"), max_digits=6, decimal_places=1, default=32)
    leader_annual_target_hours = models.DecimalField(
        _("annual target for secretaries and committee members (hours)"), max_digits=6, decimal_places=1, default=56
    )
    class_session_hours = models.DecimalField(_("hours per class session"), max_digits=5, decimal_places=1, default=2)
    makeup_due_days = models.PositiveIntegerField(_("make-up due after (days)"), default=14)

    class Meta:
        verbose_name = _("study policy")
        verbose_name_plural = _("study policies")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls) -> "StudyPolicy":
        policy = cls.objects.filter(name="default").first()
        return policy or cls(name="default")


class ModuleQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = "view"):
        scoped = super().visible_to(user, action)
        if action == "view" and user is not None and user.is_authenticated:
            mine = Assignment.objects.filter(module=models.OuterRef("pk"), member__user=user)
            return self.filter(models.Q(pk__in=scoped.values("pk")) | models.Exists(mine))
        return scoped


class StudyModule(models.Model):
    scope_field = "organization"
    scope_permissions = {"view": "study.view", "change": "study.manage"}

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="study_modules"
    )
    title = models.CharField(pgettext_lazy("training", "title"), max_length=200)
    description = models.TextField(pgettext_lazy("training", "description"), blank=True)
    year = models.PositiveIntegerField(_("year"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("study module")
        verbose_name_plural = _("study modules")

    def __str__(self):
        return self.title


class ItemKind(models.TextChoices):
    READING = "reading", _("Reading")
    DOCUMENT = "document", _("Document")
    VIDEO = "video", _("Video")
    LINK = "link", _("Link")
    QUIZ = "quiz", _("Quiz")


class StudyItem(models.Model):
    scope_field = "module__organization"
    scope_permissions = {"view": "study.view", "change": "study.manage"}

    module = models.ForeignKey(StudyModule, verbose_name=_("module"), on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    title = models.CharField(pgettext_lazy("training", "title"), max_length=200)
    body = models.TextField(_("text"), blank=True)  # sanitised HTML
    url = models.URLField(_("link"), blank=True)
    credit_hours = models.DecimalField(_("study hours"), max_digits=5, decimal_places=1, default=Decimal("1"))
    min_minutes = models.PositiveIntegerField(_("minimum minutes"), default=0)
    min_watch_percent = models.PositiveIntegerField(_("minimum watched (%)"), default=0)
    duration_seconds = models.PositiveIntegerField(_("video length (s)"), default=0)
    pass_percent = models.PositiveIntegerField(_("pass mark (%)"), default=60)
    question_count = models.PositiveIntegerField(_("questions drawn"), default=5)
    attempt_limit = models.PositiveIntegerField(_("attempt limit"), default=3)
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), default=20)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["module_id", "order", "id"]
        verbose_name = _("study item")
        verbose_name_plural = _("study items")

    def __str__(self):
        return self.title

    @property
    def is_timed(self) -> bool:
        return self.kind in (ItemKind.READING, ItemKind.DOCUMENT, ItemKind.LINK)


class StudyItemFile(AttachmentBase):
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="files")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class Question(models.Model):
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text[:50]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("choice"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.text


class Audience(models.Model):
    """Who a module is assigned to: people who join later get it from the sweep."""

    scope_field = "module__organization"
    scope_permissions = {"view": "study.view", "change": "study.manage"}

    module = models.ForeignKey(StudyModule, on_delete=models.CASCADE, related_name="audiences")
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    include_subtree = models.BooleanField(_("include subtree"), default=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    category = models.CharField(_("member category"), max_length=20, blank=True)
    people = models.ManyToManyField("branches.Member", blank=True, related_name="+")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_days = models.PositiveIntegerField(_("due after (days)"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self):
        return f"{self.module} → {self.organization}"


class Assignment(models.Model):
    """One module for one person: created once, by a service, whatever reruns."""

    scope_field = "member__organization"
    scope_permissions = {"view": "study.view_progress", "change": "study.manage"}

    module = models.ForeignKey(StudyModule, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey("branches.Member", on_delete=models.CASCADE, related_name="study_assignments")
    audience = models.ForeignKey(Audience, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"))
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    is_makeup = models.BooleanField(_("make-up"), default=False)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("study assignment")
        verbose_name_plural = _("study assignments")
        constraints = [models.UniqueConstraint(fields=["module", "member"], name="unique_assignment_per_person")]

    def __str__(self):
        return f"{self.member} · {self.module}"


class ItemProgress(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="progress")
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="+")
    seconds = models.PositiveIntegerField(default=0)
    furthest_position = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    last_beat_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "item"], name="unique_item_progress")]

    def __str__(self):
        return f"{self.assignment_id}/{self.item_id}"


class DailyStudyTime(models.Model):
    member = models.ForeignKey("branches.Member", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="unique_daily_study_time")]

    def __str__(self):
        return f"{self.member_id} {self.day} {self.seconds}s"


class QuizAttempt(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="attempts")
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="+")
    question_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    score_percent = models.PositiveIntegerField(null=True, blank=True)
    passed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.assignment_id}/{self.item_id}@{self.started_at:%Y-%m-%d %H:%M}"


class HoursSource(models.TextChoices):
    ITEM = "item", _("Item completed")
    CLASS = "class", _("Class attendance")
    CLAIM = "claim", _("Approved claim")
    REVERSAL = "reversal", _("Reversal")


class HoursEntry(models.Model):
    """Append-only: never updated, never deleted; a correction is a new (negative) row."""

    scope_field = "member__organization"
    scope_permissions = {"view": "study.view_progress", "change": "study.manage"}

    member = models.ForeignKey("branches.Member", on_delete=models.PROTECT, related_name="study_hours")
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    year = models.PositiveIntegerField(db_index=True)
    source = models.CharField(max_length=20, choices=HoursSource.choices)
    item = models.ForeignKey(StudyItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey("ClassSession", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey("HoursClaim", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    rule = models.CharField(max_length=200)
    credit_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "year"])]

    def __str__(self):
        return f"{self.member_id} {self.hours} ({self.rule})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Study hours entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Study hours entries are append-only")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("training", "Pending")
    APPROVED = "approved", pgettext_lazy("training", "Approved")
    REJECTED = "rejected", pgettext_lazy("training", "Rejected")


class HoursClaim(models.Model):
    scope_field = "member__organization"
    scope_permissions = {"view": "study.view_progress", "change": "study.review"}

    member = models.ForeignKey("branches.Member", on_delete=models.PROTECT, related_name="study_claims")
    title = models.CharField(_("what was studied"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    year = models.PositiveIntegerField(_("year"))
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnRecordsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hours claim")
        verbose_name_plural = _("hours claims")

    def __str__(self):
        return self.title


class ClaimEvidence(AttachmentBase):
    claim = models.ForeignKey(HoursClaim, on_delete=models.CASCADE, related_name="evidence")


class TrainingClass(models.Model):
    scope_field = "organization"
    scope_permissions = {"view": "study.view", "change": "study.manage"}

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(pgettext_lazy("training", "title"), max_length=200)
    makeup_module = models.ForeignKey(
        StudyModule,
        verbose_name=_("make-up module"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    roster = models.ManyToManyField("branches.Member", through="Enrollment", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")

    def __str__(self):
        return self.title


class Enrollment(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrollments")
    member = models.ForeignKey("branches.Member", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training_class", "member"], name="unique_enrollment")]

    def __str__(self):
        return f"{self.training_class_id}/{self.member_id}"


class ClassSession(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(pgettext_lazy("training", "title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    sign_in_code = models.CharField(_("sign-in code"), max_length=12)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=Decimal("2"))
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("branches.Member", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    reason = models.CharField(pgettext_lazy("training", "reason"), max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="unique_attendance")]

    def __str__(self):
        return f"{self.session_id}/{self.member_id} {self.status}"


class Lecture(models.Model):
    """A lecture-team session (宣讲) held in a unit."""

    scope_field = "organization"
    scope_permissions = {"view": "study.view", "change": "study.manage"}

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("held in"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(pgettext_lazy("training", "topic"), max_length=200)
    speaker = models.CharField(_("speaker"), max_length=50)
    held_on = models.DateField(_("held on"), db_index=True)
    audience_count = models.PositiveIntegerField(_("audience"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")

    def __str__(self):
        return self.title
