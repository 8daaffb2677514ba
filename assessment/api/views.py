from django.db.models import Prefetch
from rest_framework import viewsets

from branches.api.base import ScopedReadOnlyViewSet

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


class BranchAssessmentViewSet(ScopedReadOnlyViewSet):
    """Per-branch scores and grades: a secretary sees their branch, a reviewer their subtree."""

    queryset = BranchAssessment.objects.select_related("organization", "grade").order_by(
        "cycle_id", "organization__path"
    )
    filterset_fields = ["cycle", "organization", "status", "grade"]
    ordering_fields = ["final_total", "self_total"]

    def get_serializer_class(self):
        return BranchAssessmentDetailSerializer if self.action == "retrieve" else BranchAssessmentSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("results", queryset=IndicatorResult.objects.select_related("indicator__dimension"))
            )
        return qs
