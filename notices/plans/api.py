"""/api/v1/plan-reports/: read in scope, file and review through the same services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.api.base import ScopedViewSetMixin
from branches.models import Organization

from . import services
from .models import PlanReport, ReportKind


class PlanReportSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = PlanReport
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "year",
            "title",
            "body",
            "status",
            "due_date",
            "submitted_at",
            "first_submitted_at",
            "review_comment",
            "reviewed_at",
        ]


class FileReportSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)
    submit = serializers.BooleanField(default=False)


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PlanReportViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = PlanReport.objects.select_related("organization").order_by("-year", "organization__path", "kind")
    serializer_class = PlanReportSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if self.action == "review":
            return PlanReport.objects.visible_to(self.request.user, "review").select_related("organization")
        if self.action == "create":
            return PlanReport.objects.none()
        return super().get_queryset()

    @extend_schema(request=FileReportSerializer, responses={201: PlanReportSerializer})
    def create(self, request, *args, **kwargs):
        """Write or rewrite (draft or returned) the organisation's report of that kind and year."""
        data = FileReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.file_report(actor=request.user, **data.validated_data)
        return Response(PlanReportSerializer(report).data, status=201)

    @extend_schema(request=ReviewSerializer, responses=PlanReportSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.review_report(actor=request.user, report=self.get_object(), **data.validated_data)
        return Response(PlanReportSerializer(report).data)
