"""Supervision tasks, findings, rectifications and cards (the working-day calendar is ``branches.CalendarDay``)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import CalendarDay, Organization  # noqa: F401  (CalendarDay: the shared calendar)
from branches.uploads import AttachmentBase

from .querysets import (
    CardQuerySet,
    FindingQuerySet,
    RectificationQuerySet,
    TargetQuerySet,
    TaskQuerySet,
)


class FindingCategory(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("finding category")
        verbose_name_plural = _("finding categories")

    def __str__(self):
        return self.name


class SupervisionSettings(models.Model):
    """The committee's supervision rules (one row; defaults when none). Edited on the settings page or the admin."""

    inspectors_create_tasks = models.BooleanField(
        _("inspectors may create supervision tasks within their scope"), default=False
    )
    pause_while_waiting_on_inspector = models.BooleanField(
        _("the rectification deadline pauses while it waits on the inspector"), default=True
    )

    class Meta:
        verbose_name = _("supervision settings")
        verbose_name_plural = _("supervision settings")

    def __str__(self):
        return str(_("supervision settings"))

    @classmethod
    def current(cls) -> "SupervisionSettings":
        return cls.objects.order_by("pk").first() or cls()


class TaskKind(models.TextChoices):
    ROUTINE = "routine", _("Routine supervision")
    SPECIAL = "special", _("Special inspection")
    LOOKBACK = "lookback", _("Look-back review")
    SELF_INSPECTION = "self_inspection", _("Self-inspection and correction")
    CENTRAL_DECISION = "central_decision", _("Follow-through of a central decision")


class Stage(models.TextChoices):
    STUDY = "study", _("Study and convey")
    DEPLOY = "deploy", _("Research and deploy")
    IMPLEMENT = "implement", _("Implement")
    CHECK = "check", _("Supervise and check")
    REPORT = "report", _("Report results")


CENTRAL_DECISION_STAGES = [Stage.STUDY, Stage.DEPLOY, Stage.IMPLEMENT, Stage.CHECK, Stage.REPORT]


class SupervisionTask(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        CLOSED = "closed", pgettext_lazy("supervision", "Closed")

    title = models.CharField(pgettext_lazy("supervision", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices, default=TaskKind.ROUTINE)
    organization = models.ForeignKey(
        Organization, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="supervision_tasks"
    )
    basis = models.CharField(_("basis document"), max_length=300, blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    deadline = models.DateField(_("deadline"))
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), blank=True, related_name="supervision_tasks"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source_finding = models.ForeignKey(
        "Finding", null=True, blank=True, on_delete=models.SET_NULL, related_name="spawned_tasks"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()
    scope_field = "organization"

    class Meta:
        ordering = ["-deadline", "-pk"]
        verbose_name = _("supervision task")
        verbose_name_plural = _("supervision tasks")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return self.title

    @property
    def stages(self) -> list[str]:
        return list(CENTRAL_DECISION_STAGES) if self.kind == TaskKind.CENTRAL_DECISION else [Stage.REPORT]


class TaskTarget(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        COMPLETED = "completed", _("Completed")

    task = models.ForeignKey(SupervisionTask, on_delete=models.CASCADE, related_name="targets")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="supervision_targets"
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.PENDING)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TargetQuerySet.as_manager()
    scope_field = "organization"

    class Meta:
        ordering = ["task", "organization__path"]
        verbose_name = _("task target")
        verbose_name_plural = _("task targets")
        constraints = [models.UniqueConstraint(fields=["task", "organization"], name="unique_task_target")]

    def __str__(self):
        return f"{self.task} · {self.organization}"


class StageReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("supervision", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("supervision", "Accepted")
        RETURNED = "returned", _("Returned")

    target = models.ForeignKey(TaskTarget, on_delete=models.CASCADE, related_name="reports")
    stage = models.CharField(_("stage"), max_length=15, choices=Stage.choices)
    content = models.TextField(_("report"))
    evidence = models.TextField(_("evidence"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(pgettext_lazy("supervision", "submitted at"))
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target", "submitted_at", "pk"]
        verbose_name = _("stage report")
        verbose_name_plural = _("stage reports")

    def __str__(self):
        return f"{self.target} · {self.get_stage_display()}"


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")
    SERIOUS = "serious", _("Serious")


class Finding(models.Model):
    target = models.ForeignKey(TaskTarget, on_delete=models.CASCADE, related_name="findings")
    category = models.ForeignKey(FindingCategory, verbose_name=_("category"), on_delete=models.PROTECT)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    description = models.TextField(pgettext_lazy("supervision", "description"))
    evidence = models.TextField(_("evidence"), blank=True)
    systemic = models.BooleanField(_("systemic (learn from one case)"), default=False)
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("repeats"), null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = FindingQuerySet.as_manager()
    scope_field = "target__organization"

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["category", "severity"])]

    def __str__(self):
        return self.description[:60]


class Rectification(models.Model):
    class Status(models.TextChoices):
        AWAITING_PLAN = "awaiting_plan", _("Awaiting plan")
        PLAN_PROPOSED = "plan_proposed", _("Plan proposed")
        IN_PROGRESS = "in_progress", pgettext_lazy("supervision", "In progress")
        RECHECK = "recheck", _("Awaiting recheck")
        CLOSED = "closed", pgettext_lazy("supervision", "Closed")

    OPEN_STATUSES = (Status.AWAITING_PLAN, Status.PLAN_PROPOSED, Status.IN_PROGRESS, Status.RECHECK)
    # Whose turn it is in each open status (docs/supervision.md). While a rectification waits on the
    # inspector, the target can do nothing: no overdue card is issued for it and it is not shown as urgent.
    INSPECTOR, TARGET = "inspector", "target"
    WAITING_ON = {
        Status.AWAITING_PLAN: TARGET,
        Status.PLAN_PROPOSED: INSPECTOR,
        Status.IN_PROGRESS: TARGET,
        Status.RECHECK: INSPECTOR,
    }
    WAITING_ON_INSPECTOR = (Status.PLAN_PROPOSED, Status.RECHECK)

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="rectifications")
    owner_org = models.ForeignKey(
        Organization, verbose_name=_("owner organisation"), on_delete=models.PROTECT, related_name="rectifications"
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectifications",
    )
    measures = models.TextField(_("measures"))
    plan = models.TextField(_("plan"), blank=True)
    deadline = models.DateField(_("original deadline"))
    effective_deadline = models.DateField(_("deadline"), db_index=True)
    # The paused clock (docs/supervision.md): the day it began waiting on the inspector, and the working
    # days added to ``effective_deadline`` for the pauses so far.
    waiting_since = models.DateField(_("waiting on the inspector since"), null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField(_("paused working days"), default=0)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.AWAITING_PLAN)
    plan_accepted_at = models.DateTimeField(null=True, blank=True)
    failed_rechecks = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RectificationQuerySet.as_manager()
    scope_field = "owner_org"

    class Meta:
        ordering = ["effective_deadline", "pk"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        indexes = [models.Index(fields=["status", "effective_deadline"])]

    def __str__(self):
        return self.measures[:60]

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def waiting_on(self) -> str | None:
        return self.WAITING_ON.get(self.status)

    @property
    def is_paused(self) -> bool:
        """The deadline clock is stopped: waiting on the inspector since ``waiting_since``."""
        return self.waiting_since is not None and self.status in self.WAITING_ON_INSPECTOR

    def deadline_on(self, today, calendar) -> datetime.date:
        """The deadline as of ``today``: ``effective_deadline`` plus the working days of a pause still running."""
        if not self.is_paused:
            return self.effective_deadline
        return calendar.add_working_days(
            self.effective_deadline, calendar.working_days_between(self.waiting_since, today)
        )

    @property
    def next_step(self) -> str:
        """Who must act next, in words ("等待督查员审核")."""
        return str(NEXT_STEP.get(self.status, ""))


NEXT_STEP = {
    Rectification.Status.AWAITING_PLAN: _("Waiting for the organisation to propose a plan"),
    Rectification.Status.PLAN_PROPOSED: _("Waiting for the inspector to approve the plan"),
    Rectification.Status.IN_PROGRESS: _("Waiting for the organisation to rectify and report"),
    Rectification.Status.RECHECK: _("Waiting for the inspector to recheck"),
}


class ProgressReport(models.Model):
    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="progress_reports")
    content = models.TextField(_("progress"))
    evidence = models.TextField(_("evidence"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["reported_at", "pk"]

    def __str__(self):
        return self.content[:60]


class Recheck(models.Model):
    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="rechecks")
    passed = models.BooleanField(_("passed"))
    method = models.CharField(_("method"), max_length=100)
    notes = models.TextField(_("notes"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["checked_at", "pk"]

    def __str__(self):
        return f"{self.rectification} · {self.passed}"


class DeadlineExtension(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", pgettext_lazy("supervision", "Approved")
        REJECTED = "rejected", pgettext_lazy("supervision", "Rejected")

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="extensions")
    requested_deadline = models.DateField(_("new deadline"))
    reason = models.TextField(pgettext_lazy("supervision", "reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self):
        return f"{self.rectification} → {self.requested_deadline}"


class Colour(models.TextChoices):
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")


class EscalationRule(models.Model):
    class Condition(models.TextChoices):
        OVERDUE = "overdue", _("Rectification overdue by at least N working days")
        RECHECK_FAILED = "recheck_failed", _("Recheck failed")
        YELLOW_NOT_CLEARED = "yellow_not_cleared", _("Yellow card not cleared within N working days")
        SERIOUS_REPEAT = "serious_repeat", _("Serious finding repeated")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    threshold = models.PositiveSmallIntegerField(_("threshold (working days)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["colour", "code"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")

    def __str__(self):
        return self.name


class Card(models.Model):
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices)
    rule = models.ForeignKey(EscalationRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="cards")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="supervision_cards"
    )
    rectification = models.ForeignKey(
        Rectification, null=True, blank=True, on_delete=models.CASCADE, related_name="cards"
    )
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="cards")
    reason = models.CharField(pgettext_lazy("supervision", "reason"), max_length=300)
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("revocation reason"), blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    objects = CardQuerySet.as_manager()
    scope_field = "organization"

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "rectification"],
                condition=models.Q(rectification__isnull=False),
                name="card_once_per_rule_rectification",
            ),
            models.UniqueConstraint(
                fields=["rule", "finding"],
                condition=models.Q(finding__isnull=False),
                name="card_once_per_rule_finding",
            ),
        ]

    def __str__(self):
        return f"{self.get_colour_display()} · {self.organization.label} · {self.item}"

    @property
    def item(self) -> str:
        """What the card was issued for: the rectification's measures, or the finding."""
        if self.rectification_id:
            return self.rectification.measures[:60]
        if self.finding_id:
            return self.finding.description[:60]
        return self.reason

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.cleared_at is None


class Attachment(AttachmentBase):
    """Basis documents and evidence files, checked by content (``branches.uploads``)."""

    task = models.ForeignKey(
        SupervisionTask, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    stage_report = models.ForeignKey(
        StageReport, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    progress_report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


# Sub-packages keep their models beside their services; importing them here registers them with the app.
from .accountability.models import (  # noqa: E402, F401
    Rater,
    Rating,
    RatingDimension,
    RatingGrade,
    RatingScore,
    RecordIndicator,
    Reporter,
    ReviewProblem,
    ReviewRound,
)
from .campaigns.models import (  # noqa: E402, F401
    BrandPhoto,
    BrandProject,
    BrandTheme,
    Campaign,
    CampaignEntry,
    CampaignFile,
    CampaignProgress,
    CampaignStandard,
    EntryScore,
    TitleEvent,
)
