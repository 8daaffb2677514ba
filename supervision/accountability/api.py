"""/api/v1/review-rounds/ and /api/v1/review-reporters/: read, and every write through the page's services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.base import ScopedReadOnlyViewSet
from branches.models import Organization

from ..models import FindingCategory
from . import configuration, selectors, services
from .models import RatingDimension, RatingGrade, Reporter, ReviewProblem, ReviewRound


class DimensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RatingDimension
        fields = ["id", "name", "description", "weight", "order"]


class GradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RatingGrade
        fields = ["id", "name", "points", "min_score", "order"]


class RoundSerializer(serializers.ModelSerializer):
    dimensions = DimensionSerializer(many=True, read_only=True)
    grades = GradeSerializer(many=True, read_only=True)

    class Meta:
        model = ReviewRound
        fields = [
            "id",
            "title",
            "year",
            "organization",
            "status",
            "report_deadline",
            "rating_starts",
            "rating_ends",
            "live_weight",
            "record_weight",
            "closed_at",
            "published_at",
            "dimensions",
            "grades",
        ]
        read_only_fields = fields


class RoundCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    report_deadline = serializers.DateField()
    rating_starts = serializers.DateField()
    rating_ends = serializers.DateField()
    live_weight = serializers.IntegerField(min_value=0, max_value=100, default=60)
    record_weight = serializers.IntegerField(min_value=0, max_value=100, default=40)
    include_branches = serializers.BooleanField(default=False)
    raters = serializers.ListField(child=serializers.IntegerField(), default=list)


class RaterAddSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    panel = serializers.IntegerField(required=False, allow_null=True, default=None)


class ProgressRowSerializer(serializers.Serializer):
    reporter = serializers.IntegerField()
    organization = serializers.IntegerField()
    filed = serializers.BooleanField()
    ratings = serializers.IntegerField()
    expected = serializers.IntegerField()


class NotRatedSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    name = serializers.CharField()
    panel = serializers.IntegerField()
    given = serializers.IntegerField()
    expected = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    rows = ProgressRowSerializer(many=True)
    not_rated = NotRatedSerializer(many=True)


class ReporterSerializer(serializers.ModelSerializer):
    """Results (scores, grade, rank) are null until the round closes, and for reporters until it is published."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    grade = serializers.SerializerMethodField()
    live_score = serializers.SerializerMethodField()
    record_score = serializers.SerializerMethodField()
    total_score = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField()

    class Meta:
        model = Reporter
        fields = [
            "id",
            "round",
            "organization",
            "organization_name",
            "panel",
            "secretary",
            "report",
            "report_figures",
            "filed_at",
            "grade",
            "live_score",
            "record_score",
            "total_score",
            "rank",
        ]
        read_only_fields = fields

    def _shown(self, obj) -> bool:
        managed = self.context.get("managed_rounds", set())
        return obj.round.results_ready and (obj.round_id in managed or obj.round.status == ReviewRound.Status.PUBLISHED)

    def get_grade(self, obj) -> str | None:
        return obj.grade.name if self._shown(obj) and obj.grade else None

    def _decimal(self, obj, field) -> str | None:
        value = getattr(obj, field)
        return None if not self._shown(obj) or value is None else str(value)

    def get_live_score(self, obj) -> str | None:
        return self._decimal(obj, "live_score")

    def get_record_score(self, obj) -> str | None:
        return self._decimal(obj, "record_score")

    def get_total_score(self, obj) -> str | None:
        return self._decimal(obj, "total_score")

    def get_rank(self, obj) -> int | None:
        return obj.rank if self._shown(obj) else None


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField()


class RateSerializer(serializers.Serializer):
    grades = serializers.DictField(
        child=serializers.IntegerField(), help_text="{dimension id: grade id}, one grade for every dimension"
    )


class RatedSerializer(serializers.Serializer):
    reporter = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


class ProblemSerializer(serializers.Serializer):
    description = serializers.CharField()
    deadline = serializers.DateField()
    category = serializers.IntegerField(required=False, allow_null=True, default=None)
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    owner_person = serializers.IntegerField(required=False, allow_null=True, default=None)


class ProblemOutSerializer(serializers.ModelSerializer):
    rectification = serializers.SerializerMethodField()

    class Meta:
        model = ReviewProblem
        fields = ["id", "reporter", "description", "finding", "rectification", "created_at"]

    def get_rectification(self, obj) -> int | None:
        rect = obj.finding.rectifications.order_by("pk").first() if obj.finding_id else None
        return rect.pk if rect else None


class DimensionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    weight = serializers.IntegerField(required=False, default=1)


class GradeRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(max_length=20)
    points = serializers.DecimalField(max_digits=5, decimal_places=2)
    min_score = serializers.DecimalField(max_digits=5, decimal_places=2)


class IndicatorRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    metric = serializers.CharField(max_length=80)
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    weight = serializers.IntegerField()
    method = serializers.CharField(default="rate", help_text="rate | deduct")  # checked by the service
    deduction = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=0)


class RoundSettingsSerializer(serializers.Serializer):
    """The rating form, the grades and the weighting (the round settings page's data)."""

    live_weight = serializers.IntegerField()
    record_weight = serializers.IntegerField()
    dimensions = DimensionRowSerializer(many=True)
    grades = GradeRowSerializer(many=True)
    indicators = IndicatorRowSerializer(many=True)


def _user(pk):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None
    if pk and user is None:
        raise ValidationError(_msg("No such active user."))
    return user


def _msg(text):
    from django.utils.translation import gettext

    return gettext(text)


class ReviewRoundViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Review rounds the caller organises, rates in, or reports in. POST opens a round (work committee)."""

    queryset = (
        ReviewRound.objects.select_related("organization")
        .prefetch_related("dimensions", "grades")
        .order_by("-year", "-pk")
    )
    serializer_class = RoundSerializer
    filterset_fields = ["year", "status"]
    write_scope_action = "manage"

    def get_serializer_class(self):
        if self.action == "create":
            return RoundCreateSerializer
        if self.action == "raters":
            return RaterAddSerializer
        return RoundSerializer

    @extend_schema(request=RoundCreateSerializer, responses={201: RoundSerializer})
    def create(self, request, *args, **kwargs):
        data = RoundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        from django.contrib.auth import get_user_model

        ids = set(values.pop("raters"))
        raters = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
        if len(raters) != len(ids):
            raise ValidationError(_msg("No such active user."))
        rnd = services.open_round(actor=request.user, raters=raters, **values)
        return Response(RoundSerializer(rnd).data, status=status.HTTP_201_CREATED)

    def _act(self, service):
        rnd = self.get_object()
        rnd = service(actor=self.request.user, round=rnd)
        return Response(RoundSerializer(rnd).data)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the rating and compute the results (live rating, daily record, total, grade, rank)."""
        return self._act(services.close_round)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._act(services.publish_round)

    @extend_schema(request=RaterAddSerializer, responses={201: RaterAddSerializer})
    @action(detail=True, methods=["post"])
    def raters(self, request, pk=None):
        rnd = self.get_object()
        data = RaterAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        panel = None
        if data.validated_data["panel"]:
            panel = Organization.objects.filter(pk=data.validated_data["panel"]).first()
            if panel is None:
                raise ValidationError(_msg("Nobody in this round is rated by that panel."))
        seat = services.add_rater(actor=request.user, round=rnd, user=_user(data.validated_data["user"]), panel=panel)
        return Response({"user": seat.user_id, "panel": seat.panel_id}, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Counts only (ratings per reporter, raters who have not rated everyone); organisers only."""
        rnd = self.get_object()
        if not ReviewRound.objects.visible_to(request.user, "manage").filter(pk=rnd.pk).exists():
            raise PermissionDenied(_msg("Only the round's organisers may see the progress."))
        p = selectors.progress(rnd)
        return Response(
            {
                "rows": [
                    {
                        "reporter": row["reporter"].pk,
                        "organization": row["reporter"].organization_id,
                        "filed": row["filed"],
                        "ratings": row["ratings"],
                        "expected": row["expected"],
                    }
                    for row in p["rows"]
                ],
                "not_rated": [
                    {
                        "user": m["rater"].user_id,
                        "name": m["rater"].user.display_name,
                        "panel": m["rater"].panel_id,
                        "given": m["given"],
                        "expected": m["expected"],
                    }
                    for m in p["not_rated"]
                ],
            }
        )

    @extend_schema(request=RoundSettingsSerializer, responses=RoundSettingsSerializer)
    @action(detail=True, methods=["get", "put"], url_path="settings")
    def round_settings(self, request, pk=None):
        """GET the round's settings; PUT replaces them (rows with an ``id`` are kept, others created,
        rows left out deleted). Organisers only, while the round is open; same rules as the page."""
        rnd = self.get_object()
        if request.method == "PUT":
            data = RoundSettingsSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            rnd = configuration.update_settings(actor=request.user, round=rnd, data=data.validated_data)
        return Response(configuration.current(rnd))

    def get_queryset(self):
        if self.action == "progress":
            return ReviewRound.objects.visible_to(self.request.user, "view")
        if self.action == "round_settings":
            return ReviewRound.objects.visible_to(self.request.user, "manage")
        return super().get_queryset()


class ReviewReporterViewSet(ScopedReadOnlyViewSet):
    """Reporting secretaries the caller may see; ``report``, ``rate`` and ``problems`` write through the services."""

    queryset = Reporter.objects.select_related("round", "organization", "grade").order_by(
        "round_id", "rank", "organization__path"
    )
    serializer_class = ReporterSerializer
    filterset_fields = ["round", "organization"]
    # Writes pick their own scope in the service (report: the organisation; rate: the rater's seat; problems:
    # the organisers); the object must first be visible.
    write_scope_action = "view"

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        user = self.request.user
        ctx["managed_rounds"] = set(ReviewRound.objects.visible_to(user, "manage").values_list("pk", flat=True))
        return ctx

    def get_serializer_class(self):
        return {"report": ReportSerializer, "rate": RateSerializer, "problems": ProblemSerializer}.get(
            self.action, ReporterSerializer
        )

    @extend_schema(request=ReportSerializer, responses=ReporterSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """File (or refile while the round is open) the written report; figures are filled in by the portal."""
        reporter = self.get_object()
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        r = services.file_report(actor=request.user, reporter=reporter, report=data.validated_data["report"])
        r = self.get_queryset().get(pk=r.pk)
        return Response(ReporterSerializer(r, context=self.get_serializer_context()).data)

    @extend_schema(request=RateSerializer, responses={201: RatedSerializer})
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """One grade per dimension, once; the answer never echoes anyone's grades."""
        reporter = self.get_object()
        data = RateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.rate(actor=request.user, reporter=reporter, taps=data.validated_data["grades"])
        return Response({"reporter": reporter.pk, "submitted_at": rating.submitted_at}, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProblemSerializer, responses={201: ProblemOutSerializer})
    @action(detail=True, methods=["post"])
    def problems(self, request, pk=None):
        """Name a problem from the review; it becomes a rectification item (owner organisation, deadline)."""
        reporter = self.get_object()
        data = ProblemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        category = None
        if v["category"]:
            category = FindingCategory.objects.filter(pk=v["category"], is_active=True).first()
            if category is None:
                raise ValidationError(_msg("Unknown category."))
        problem = services.send_problem(
            actor=request.user,
            reporter=reporter,
            description=v["description"],
            deadline=v["deadline"],
            category=category,
            measures=v["measures"],
            owner_person=_user(v["owner_person"]),
        )
        return Response(ProblemOutSerializer(problem).data, status=status.HTTP_201_CREATED)
