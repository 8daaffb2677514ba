from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.base import ScopedReadOnlyViewSet

from .. import services
from ..models import AssessmentCycle, BranchAssessment, IndicatorResult
from .serializers import AssessmentCycleSerializer, BranchAssessmentDetailSerializer, BranchAssessmentSerializer


class AssessmentCycleViewSet(viewsets.ReadOnlyModelViewSet):
    """Assessment cycles whose scope (or a branch in it) the caller may see."""

    serializer_class = AssessmentCycleSerializer
    filterset_fields = ["year", "status", "root"]
    ordering_fields = ["year", "name"]
    scoped = True
    queryset = AssessmentCycle.objects.none()  # for the schema; get_queryset scopes

    def get_queryset(self):
        return (
            AssessmentCycle.objects.visible_to(self.request.user, "view")
            .select_related("root", "system")
            .order_by("-year", "-pk")
        )


class SelfEntryInput(serializers.Serializer):
    result = serializers.IntegerField(help_text="indicator result id (``results[].id`` of the assessment)")
    input = serializers.DictField(
        help_text="by the indicator's method: scale {level}, checklist {checked: [..]}, deduction/bonus {count}, "
        "veto {triggered}, manual {manual}"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SelfAssessmentInput(serializers.Serializer):
    entries = SelfEntryInput(many=True)
    submit = serializers.BooleanField(required=False, default=False, help_text="submit for review after saving")
    confirm = serializers.BooleanField(
        required=False, default=False, help_text="submit although the consistency checks warn"
    )


class BranchAssessmentViewSet(ScopedReadOnlyViewSet):
    """Per-branch scores and grades: a secretary sees their branch, a reviewer their subtree."""

    queryset = BranchAssessment.objects.select_related("organization", "grade").order_by(
        "cycle_id", "organization__path"
    )
    filterset_fields = ["cycle", "organization", "status", "grade"]
    ordering_fields = ["final_total", "self_total"]

    write_scope_action = "self"  # the branch's own self-assessment; others in scope read it only

    def get_serializer_class(self):
        return BranchAssessmentDetailSerializer if self.action == "retrieve" else BranchAssessmentSerializer

    @extend_schema(request=SelfAssessmentInput, responses=BranchAssessmentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="self-assessment")
    def self_assessment(self, request, pk=None):
        """Save the branch's self-assessment (as the page's save) and, with ``submit``, submit it for review.
        A wrong answer is refused with the page's message under ``r<result id>``; nothing is saved then."""
        assessment = self.get_object()
        data = SelfAssessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        entries = {e["result"]: {"input": e["input"], "note": e["note"]} for e in d["entries"]}
        services.save_self_assessment(actor=request.user, assessment=assessment, entries=entries)
        if d["submit"]:
            services.submit_self_assessment(actor=request.user, assessment=assessment, confirm=d["confirm"])
        fresh = BranchAssessment.objects.select_related("organization", "grade").prefetch_related(
            Prefetch("results", queryset=IndicatorResult.objects.select_related("indicator__dimension"))
        )
        return Response(BranchAssessmentDetailSerializer(fresh.get(pk=assessment.pk)).data)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("results", queryset=IndicatorResult.objects.select_related("indicator__dimension"))
            )
        return qs
