"""模范机关创建 (model-organ campaign) and 一支部一品牌 (one branch, one brand).

Campaign: a unit applies with its plan → the committee accepts → half-yearly progress with evidence →
evaluation on the campaign's checklist of standards (data, scored) → naming (创建示范单位 / 先进单位) by
score thresholds (data) → re-checks; a failed re-check or a red card revokes the title (动态管理). Every
step is a ``TitleEvent`` row: the history is kept, never overwritten.

Brand: a branch registers its project, reports results, the unit and then the committee evaluate; named
brands are shown on the showcase to every signed-in member.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import Organization
from branches.uploads import AttachmentBase

from .querysets import BrandQuerySet, CampaignQuerySet, EntryQuerySet


class Campaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("campaigns", "Accepting applications")
        RUNNING = "running", pgettext_lazy("campaigns", "Running")
        FINISHED = "finished", pgettext_lazy("campaigns", "Finished")

    title = models.CharField(pgettext_lazy("campaigns", "title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("campaign year"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="campaigns"
    )
    apply_deadline = models.DateField(_("application deadline"))
    # Naming thresholds and re-check interval: local practice, data.
    exemplary_min_score = models.DecimalField(
        _("exemplary unit from score"), max_digits=6, decimal_places=2, default=90
    )
    advanced_min_score = models.DecimalField(_("advanced unit from score"), max_digits=6, decimal_places=2, default=80)
    recheck_months = models.PositiveSmallIntegerField(_("re-check after (months)"), default=12)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()
    scope_field = "organization"

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("model-organ campaign")
        verbose_name_plural = _("model-organ campaigns")

    def __str__(self):
        return self.title


class CampaignStandard(models.Model):
    """One line of the evaluation checklist (创建标准), with its maximum score."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="standards")
    name = models.CharField(_("standard"), max_length=200)
    max_score = models.DecimalField(_("maximum score"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = _("campaign standard")
        verbose_name_plural = _("campaign standards")

    def __str__(self):
        return self.name


class Title(models.TextChoices):
    EXEMPLARY = "exemplary", _("Model-organ exemplary unit")
    ADVANCED = "advanced", _("Model-organ advanced unit")


class CampaignEntry(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("campaigns", "Applied")
        ACCEPTED = "accepted", pgettext_lazy("campaigns", "Creating")
        REJECTED = "rejected", pgettext_lazy("campaigns", "Not accepted")
        EVALUATED = "evaluated", pgettext_lazy("campaigns", "Evaluated")
        NAMED = "named", pgettext_lazy("campaigns", "Named")
        REVOKED = "revoked", pgettext_lazy("campaigns", "Title revoked")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("unit party organisation"),
        on_delete=models.PROTECT,
        related_name="campaign_entries",
    )
    plan = models.TextField(_("creation plan"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    applied_at = models.DateTimeField(_("applied at"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    score = models.DecimalField(_("evaluation score"), max_digits=6, decimal_places=2, null=True, blank=True)
    title = models.CharField(_("honorary title"), max_length=10, choices=Title.choices, blank=True)
    named_at = models.DateTimeField(_("named at"), null=True, blank=True)
    recheck_due = models.DateField(_("re-check due"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = EntryQuerySet.as_manager()
    scope_field = "organization"

    class Meta:
        ordering = ["campaign", "organization__path"]
        verbose_name = _("campaign entry")
        verbose_name_plural = _("campaign entries")
        constraints = [models.UniqueConstraint(fields=["campaign", "organization"], name="unique_campaign_entry")]

    def __str__(self):
        return f"{self.campaign} · {self.organization}"


def half_label(key: str) -> str:
    """``2026-H1`` → 2026年上半年, ``2026-H2`` → 2026年下半年 (a key that is not a half-year shows as it is)."""
    from django.utils.translation import gettext

    year, _sep, half = (key or "").partition("-")
    if not year.isdigit() or half not in ("H1", "H2"):
        return key
    text = gettext("%(year)s, first half") if half == "H1" else gettext("%(year)s, second half")
    return text % {"year": year}


class CampaignProgress(models.Model):
    """Half-yearly progress (``half`` is ``2026-H1`` / ``2026-H2``) with evidence files."""

    entry = models.ForeignKey(CampaignEntry, on_delete=models.CASCADE, related_name="progress")
    half = models.CharField(_("half-year"), max_length=7)
    content = models.TextField(_("progress"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["entry", "half"]
        constraints = [models.UniqueConstraint(fields=["entry", "half"], name="one_progress_per_half")]

    def __str__(self):
        return f"{self.entry_id} {self.half}"

    @property
    def half_label(self) -> str:
        return half_label(self.half)


class EntryScore(models.Model):
    entry = models.ForeignKey(CampaignEntry, on_delete=models.CASCADE, related_name="scores")
    standard = models.ForeignKey(CampaignStandard, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "standard"], name="one_score_per_standard")]

    def __str__(self):
        return f"{self.entry_id}/{self.standard_id}"


class TitleEvent(models.Model):
    """The history of an entry's title: named, re-checked, revoked (by a failed re-check or a red card)."""

    class Kind(models.TextChoices):
        NAMED = "named", pgettext_lazy("campaigns", "Named")
        RECHECK_PASSED = "recheck_passed", _("Re-check passed")
        RECHECK_FAILED = "recheck_failed", _("Re-check failed")
        REVOKED = "revoked", pgettext_lazy("campaigns", "Title revoked")

    entry = models.ForeignKey(CampaignEntry, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    title = models.CharField(_("honorary title"), max_length=10, choices=Title.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    card = models.ForeignKey("supervision.Card", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["entry", "at", "pk"]

    def __str__(self):
        return f"{self.entry_id} {self.kind}"


class CampaignFile(AttachmentBase):
    progress = models.ForeignKey(CampaignProgress, on_delete=models.CASCADE, related_name="files")

    class Meta:
        ordering = ["pk"]


class BrandTheme(models.Model):
    """A theme of 一支部一品牌 (e.g. 党建与业务融合), kept by the committee; a retired theme stays on its brands."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.TextField(pgettext_lazy("campaigns", "what the theme covers"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered for new brands"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("brand theme")
        verbose_name_plural = _("brand themes")

    def __str__(self):
        return self.name


class BrandProject(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("campaigns", "Registered")
        REPORTED = "reported", pgettext_lazy("campaigns", "Results reported")
        UNIT_REVIEWED = "unit_reviewed", _("Reviewed by the unit")
        NAMED = "named", _("Named brand")
        NOT_NAMED = "not_named", _("Not named")

    organization = models.ForeignKey(
        Organization, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="brand_projects"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("brand name"), max_length=100)
    theme = models.ForeignKey(BrandTheme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="brands")
    idea = models.TextField(_("idea"))
    measures = models.TextField(_("measures"))
    expected_results = models.TextField(_("expected results"))
    results = models.TextField(_("results"), blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.REGISTERED)
    unit_score = models.DecimalField(_("unit's score"), max_digits=5, decimal_places=2, null=True, blank=True)
    unit_opinion = models.TextField(_("unit's opinion"), blank=True)
    committee_opinion = models.TextField(_("committee's opinion"), blank=True)
    named_at = models.DateTimeField(_("named at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandQuerySet.as_manager()
    scope_field = "organization"

    class Meta:
        ordering = ["-year", "organization__path"]
        verbose_name = _("brand project")
        verbose_name_plural = _("brand projects")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="one_brand_per_branch_year")]

    def __str__(self):
        return self.name


class BrandPhoto(AttachmentBase):
    brand = models.ForeignKey(BrandProject, on_delete=models.CASCADE, related_name="photos")

    class Meta:
        ordering = ["pk"]
