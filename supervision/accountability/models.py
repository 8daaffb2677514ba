"""书记抓基层党建述职评议考核: review rounds, reporting secretaries, raters and their ratings.

A round (``ReviewRound``) is opened by the work committee for a year. Each reporting secretary is a
``Reporter`` (one per organisation), rated by the raters of the same *panel* (the round's organisation
for unit committees, the unit committee for branch secretaries rated by their unit). The rating form
(``RatingDimension``), the grades (``RatingGrade``: points per tap and the score threshold of the final
grade), the daily-record figures (``RecordIndicator``) and the weighting live on the round as data.

Ratings are tamper-resistant: one per rater per reporter (a database constraint), never updated, and
shown to nobody but as aggregates.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import Organization

from .querysets import RaterQuerySet, ReporterQuerySet, ReviewRoundQuerySet


class ReviewRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("accountability", "Open")
        CLOSED = "closed", pgettext_lazy("accountability", "Closed")
        PUBLISHED = "published", pgettext_lazy("accountability", "Published")

    title = models.CharField(pgettext_lazy("accountability", "title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year reported on"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="review_rounds"
    )
    report_deadline = models.DateField(_("report deadline"))
    rating_starts = models.DateField(_("rating opens"))
    rating_ends = models.DateField(_("rating closes"))
    # Weighting (local practice, data): live rating + daily record = 100.
    live_weight = models.PositiveSmallIntegerField(_("live rating weight (%)"), default=60)
    record_weight = models.PositiveSmallIntegerField(_("daily record weight (%)"), default=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The supervision task that carries the problems named in the review (created on the first one).
    rectification_task = models.ForeignKey(
        "supervision.SupervisionTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewRoundQuerySet.as_manager()
    scope_field = "organization"

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(live_weight__lte=100) & models.Q(record_weight__lte=100),
                name="review_round_weights_at_most_100",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def results_ready(self) -> bool:
        return self.status in (self.Status.CLOSED, self.Status.PUBLISHED)


class RatingDimension(models.Model):
    """One line of the rating form (评议内容), e.g. 履行第一责任人职责."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(pgettext_lazy("accountability", "description"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["round", "order", "pk"]
        verbose_name = _("rating dimension")
        verbose_name_plural = _("rating dimensions")

    def __str__(self):
        return self.name


class RatingGrade(models.Model):
    """A grade (好/较好/一般/差): the points one tap gives, and the score from which a total earns it."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="grades")
    name = models.CharField(_("name"), max_length=20)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    min_score = models.DecimalField(_("from score"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["round", "order", "pk"]
        verbose_name = _("rating grade")
        verbose_name_plural = _("rating grades")
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="unique_rating_grade_name")]

    def __str__(self):
        return self.name


class RecordIndicator(models.Model):
    """A figure of the daily record (平时表现), read from the metric registry by name."""

    class Method(models.TextChoices):
        RATE = "rate", _("The rate itself (0–100)")
        DEDUCT = "deduct", _("100 minus a deduction per count")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="indicators")
    metric = models.CharField(_("metric"), max_length=80)
    label = models.CharField(_("label"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.RATE)
    deduction = models.DecimalField(_("deduction per count"), max_digits=5, decimal_places=2, default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["round", "order", "pk"]
        verbose_name = _("daily record indicator")
        verbose_name_plural = _("daily record indicators")

    def __str__(self):
        return self.label


class Reporter(models.Model):
    """A secretary who reports (述职) in a round, for one organisation; carries the report and the result."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reporters")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="review_reporters"
    )
    # Who rates this reporter: the round's organisation, or the unit committee for its branch secretaries.
    panel = models.ForeignKey(
        Organization, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="review_panels"
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_reports",
    )
    report = models.TextField(_("written report"), blank=True)
    report_figures = models.JSONField(_("figures at filing"), default=dict, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Results, computed when the round closes.
    record_figures = models.JSONField(_("daily record figures"), default=dict, blank=True)
    ratings_count = models.PositiveSmallIntegerField(_("ratings"), default=0)
    live_score = models.DecimalField(_("live rating"), max_digits=5, decimal_places=2, null=True, blank=True)
    record_score = models.DecimalField(_("daily record"), max_digits=5, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(_("total score"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.ForeignKey(
        RatingGrade, verbose_name=_("grade"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    objects = ReporterQuerySet.as_manager()
    scope_field = "organization"

    class Meta:
        ordering = ["round", "rank", "organization__path"]
        verbose_name = _("reporting secretary")
        verbose_name_plural = _("reporting secretaries")
        constraints = [models.UniqueConstraint(fields=["round", "organization"], name="unique_round_reporter")]

    def __str__(self):
        return f"{self.round} · {self.organization}"


class Rater(models.Model):
    """A person who rates the reporters of one panel in a round (工委委员、代表)."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Committee member")
        REPRESENTATIVE = "representative", _("Representative")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="raters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_raters")
    panel = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="review_raters")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.COMMITTEE)

    objects = RaterQuerySet.as_manager()

    class Meta:
        ordering = ["round", "panel__path", "pk"]
        verbose_name = _("rater")
        verbose_name_plural = _("raters")
        constraints = [models.UniqueConstraint(fields=["round", "user", "panel"], name="unique_round_rater")]

    def __str__(self):
        return f"{self.round} · {self.user}"


class Rating(models.Model):
    """One rater's rating of one reporter: written once, never changed, never shown one by one."""

    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="ratings")
    score = models.DecimalField(max_digits=5, decimal_places=2)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["reporter", "rater"], name="one_rating_per_rater")]

    def __str__(self):
        return f"{self.reporter_id}/{self.rater_id}"


class RatingScore(models.Model):
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="scores")
    dimension = models.ForeignKey(RatingDimension, on_delete=models.CASCADE, related_name="+")
    grade = models.ForeignKey(RatingGrade, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rating", "dimension"], name="one_grade_per_dimension")]

    def __str__(self):
        return f"{self.rating_id}/{self.dimension_id}"


class ReviewProblem(models.Model):
    """A problem named in the review, sent to supervision's rectification loop."""

    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="problems")
    description = models.TextField(pgettext_lazy("accountability", "problem"))
    finding = models.OneToOneField(
        "supervision.Finding", null=True, blank=True, on_delete=models.SET_NULL, related_name="review_problem"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["reporter", "pk"]
        verbose_name = _("review problem")
        verbose_name_plural = _("review problems")

    def __str__(self):
        return self.description[:60]
