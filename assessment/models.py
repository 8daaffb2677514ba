"""Four-strong branch assessment: indicator systems (versioned per year), cycles, results."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import Organization
from branches.querysets import ScopedQuerySet
from branches.uploads import AttachmentBase


class SystemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Method(models.TextChoices):
    SCALE = "scale", _("Scale")
    CHECKLIST = "checklist", _("Checklist")
    DEDUCTION = "deduction", _("Deduction")
    BONUS = "bonus", _("Capped bonus")
    VETO = "veto", _("One-vote veto")
    COMPUTED = "computed", _("Computed from portal data")


class IndicatorSystemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=SystemStatus.PUBLISHED)


class IndicatorSystem(models.Model):
    """The indicator table of one year. Frozen once published; a change makes a new version."""

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=SystemStatus.choices, default=SystemStatus.DRAFT)
    # Quota on the top grade per parent organisation, in percent (None = no quota).
    top_quota_percent = models.PositiveSmallIntegerField(_("top grade quota (%)"), null=True, blank=True)
    # A reviewer must give a reason when their score differs from the self-score by more than this.
    review_margin = models.DecimalField(_("review margin"), max_digits=5, decimal_places=1, default=Decimal("2"))
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IndicatorSystemQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="assessment_system_year_version")]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status == SystemStatus.PUBLISHED


class Dimension(models.Model):
    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="dimensions")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="assessment_dimension_code")]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """One row of the table. ``config`` holds the method's parameters:

    scale: {"levels": [{"name": "好", "points": 10}, ...]}
    checklist: {"items": ["...", ...], "points_per_item": 2}
    deduction: {"per_occurrence": 1}
    bonus: {"per_item": 1}
    veto: {}
    computed: {"metric": "meetings.compliance_rate", "table": [{"min": 95, "points": 10}, {"max": 2, "points": 3}]}
    """

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    max_score = models.DecimalField(_("max score"), max_digits=5, decimal_places=1, default=Decimal("0"))
    guidance = models.TextField(_("guidance"), blank=True)
    required_evidence = models.CharField(_("required evidence"), max_length=300, blank=True)
    method = models.CharField(_("scoring method"), max_length=10, choices=Method.choices)
    config = models.JSONField(_("method parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["dimension__order", "order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def metric_name(self) -> str:
        return (self.config or {}).get("metric", "")


class GradeThreshold(models.Model):
    """四强 / 达标 / 基本达标 / 不达标: a total of at least ``min_score`` earns the grade."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="grades")
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("grade"), max_length=20)
    min_score = models.DecimalField(_("minimum score"), max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["-min_score"]
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="assessment_grade_code")]

    def __str__(self):
        return self.label


class CycleStatus(models.TextChoices):
    OPEN = "open", _("Self-assessment and review")
    CALIBRATION = "calibration", _("Calibration")
    NOTICE = "notice", _("Public notice and appeal")
    FINAL = "final", _("Final")


class CycleQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """A cycle is visible to whoever sees its root, or any branch assessment in it."""
        permission = AssessmentCycle.scope_permissions[action]
        orgs = Organization.objects.visible_to(user, permission)
        inside = BranchAssessment.objects.filter(cycle=OuterRef("pk"), organization__in=orgs.values("pk"))
        return self.filter(Q(root__in=orgs.values("pk")) | Q(Exists(inside)))


class AssessmentCycle(models.Model):
    system = models.ForeignKey(IndicatorSystem, on_delete=models.PROTECT, related_name="cycles")
    # Organisations are deactivated, not deleted: an organisation with assessment history cannot be deleted.
    root = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("assessment", "scope")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(_("status"), max_length=12, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    # The day the self-assessment window opens (None on cycles made before it existed: the day of creation).
    opens_on = models.DateField(_("self-assessment opens"), null=True, blank=True)
    self_due = models.DateField(_("self-assessment closes"))
    review_due = models.DateField(_("review closes"))
    cutoff = models.DateField(_("data cut-off"))
    calibration_due = models.DateField(_("calibration closes"))
    notice_until = models.DateField(_("public notice until"))
    appeal_until = models.DateField(_("appeals until"))
    frozen_at = models.DateTimeField(_("computed values frozen at"), null=True, blank=True)
    # The committee may close the self-assessment or the review window before its date (windows.py).
    self_closed_at = models.DateTimeField(_("self-assessment closed early at"), null=True, blank=True)
    review_closed_at = models.DateTimeField(_("review closed early at"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()
    scope_field = "root"
    scope_permissions = {
        "view": "assessment.view",
        "change": "assessment.manage",
        "calibrate": "assessment.calibrate",
        "manage": "assessment.manage",
    }

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        constraints = [
            # A window cannot end before it starts (services.check_windows says so in words first).
            models.CheckConstraint(
                condition=models.Q(opens_on__isnull=True) | models.Q(opens_on__lte=models.F("self_due")),
                name="cycle_self_window_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(self_due__lte=models.F("review_due"))
                & models.Q(review_due__lte=models.F("calibration_due"))
                & models.Q(calibration_due__lte=models.F("notice_until"))
                & models.Q(notice_until__lte=models.F("appeal_until")),
                name="cycle_windows_in_order",
            ),
        ]

    def __str__(self):
        return self.name


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Self-assessment in progress")
    RETURNED = "returned", _("Sent back for changes")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    REVIEWED = "reviewed", _("Reviewed")
    GRADED = "graded", _("Grade confirmed")
    PUBLISHED = "published", _("Published for notice")
    FINAL = "final", _("Final")


class BranchAssessment(models.Model):
    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="assessments")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch"))
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    self_total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    review_total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    final_total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    vetoed = models.BooleanField(default=False)
    grade = models.ForeignKey(GradeThreshold, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quota_demoted = models.BooleanField(default=False)
    return_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "organization"
    scope_permissions = {
        "view": "assessment.view",
        "self": "assessment.self",
        "review": "assessment.review",
        "calibrate": "assessment.calibrate",
        "change": "assessment.manage",
    }

    class Meta:
        ordering = ["organization__path"]
        verbose_name = _("branch assessment")
        verbose_name_plural = _("branch assessments")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="assessment_one_per_branch")]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self):
        return f"{self.cycle.name} · {self.organization.name}"

    @property
    def is_read_only(self) -> bool:
        return self.status in (AssessmentStatus.PUBLISHED, AssessmentStatus.FINAL)


class IndicatorResult(models.Model):
    """One result row per indicator per assessment."""

    assessment = models.ForeignKey(BranchAssessment, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    self_input = models.JSONField(default=dict, blank=True)
    self_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    self_note = models.TextField(blank=True)
    review_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    review_veto = models.BooleanField(default=False)
    review_reason = models.TextField(blank=True)
    final_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    # Computed indicators: the value frozen at cut-off and what it rests on.
    computed_value = models.FloatField(null=True, blank=True)
    computed_points = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    computed_source = models.CharField(max_length=300, blank=True)
    computed_url = models.CharField(max_length=300, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "assessment__organization"
    scope_permissions = BranchAssessment.scope_permissions

    class Meta:
        ordering = ["indicator__dimension__order", "indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="assessment_one_result_per_indicator")
        ]

    def __str__(self):
        return f"{self.assessment_id} · {self.indicator.code}"

    @property
    def self_vetoed(self) -> bool:
        return bool((self.self_input or {}).get("triggered"))


class Evidence(AttachmentBase):
    """A file or a link supporting one indicator result. Files are optional (links need none)."""

    result = models.ForeignKey(IndicatorResult, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(pgettext_lazy("assessment", "title"), max_length=200, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    dated = models.DateField(_("date of the record"), null=True, blank=True)
    # A meeting record of the branch picked as evidence (the link and date are kept as they were then).
    meeting = models.ForeignKey(
        "branches.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("meeting"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "result__assessment__organization"
    scope_permissions = BranchAssessment.scope_permissions

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["result", "meeting"],
                condition=Q(meeting__isnull=False),
                name="assessment_meeting_once_per_result",
            )
        ]

    def __str__(self):
        return self.title or self.original_name or self.link


class AppealStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("assessment", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("assessment", "Accepted")
    REJECTED = "rejected", pgettext_lazy("assessment", "Rejected")


class Appeal(models.Model):
    result = models.ForeignKey(IndicatorResult, on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField(pgettext_lazy("assessment", "reason"))
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decision = models.TextField(_("decision"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "result__assessment__organization"
    scope_permissions = BranchAssessment.scope_permissions

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self):
        return f"{self.result} · {self.get_status_display()}"


class HonorKind(models.TextChoices):
    MODEL_UNIT = "model_unit", _("Model unit (标兵单位)")
    BRAND = "brand", _("One branch, one brand (一支部一品牌)")


class Honor(models.Model):
    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="honors")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(pgettext_lazy("assessment", "title"), max_length=12, choices=HonorKind.choices)
    citation = models.TextField(_("citation"))
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    named_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "organization"
    scope_permissions = BranchAssessment.scope_permissions

    class Meta:
        ordering = ["-named_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization", "kind"], name="assessment_one_honor_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.organization}"
