from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.base import ScopedReadOnlyViewSet

from .. import services
from ..models import Appeal, AssessmentCycle, BranchAssessment, IndicatorResult
from .serializers import (
    AppealDecisionInput,
    AppealInput,
    AppealSerializer,
    AssessmentCycleSerializer,
    BranchAssessmentDetailSerializer,
    BranchAssessmentSerializer,
    ReviewInput,
    SendBackInput,
)


def _parsed(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class AssessmentCycleViewSet(ScopedReadOnlyViewSet):
    """Assessment cycles whose scope (or a branch in it) the caller may see; the committee that calibrates a
    cycle decides its appeals."""

    queryset = AssessmentCycle.objects.select_related("root", "system").order_by("-year", "-pk")
    serializer_class = AssessmentCycleSerializer
    filterset_fields = ["year", "status", "root"]
    ordering_fields = ["year", "name"]
    write_scope_action = "calibrate"

    @extend_schema(request=AppealDecisionInput, responses=AppealSerializer)
    @action(detail=True, methods=["post"], url_path=r"appeals/(?P<appeal_pk>\d+)/decide")
    def decide_appeal(self, request, pk=None, appeal_pk=None):
        """Record the decision on a pending appeal; accepting it sets the corrected score (``new_score``)."""
        cycle = self.get_object()
        appeal = get_object_or_404(
            Appeal.objects.visible_to(request.user, "calibrate").filter(result__assessment__cycle=cycle), pk=appeal_pk
        )
        d = _parsed(AppealDecisionInput, request)
        appeal = services.decide_appeal(
            actor=request.user,
            appeal=appeal,
            accept=d["accept"],
            decision=d["decision"],
            new_score=d["new_score"] or None,
        )
        return Response(AppealSerializer(appeal).data)


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

    write_scope_action = "self"  # the branch's own self-assessment and appeals; others in scope read it only
    action_scopes = {"review": "review", "send_back": "review"}  # the unit's reviewers

    def get_serializer_class(self):
        return BranchAssessmentDetailSerializer if self.action == "retrieve" else BranchAssessmentSerializer

    @extend_schema(request=SelfAssessmentInput, responses=BranchAssessmentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="self-assessment")
    def self_assessment(self, request, pk=None):
        """Save the branch's self-assessment (as the page's save) and, with ``submit``, submit it for review.
        A wrong answer is refused with the page's message under ``r<result id>``; nothing is saved then."""
        assessment = self.get_object()
        d = _parsed(SelfAssessmentInput, request)
        entries = {e["result"]: {"input": e["input"], "note": e["note"]} for e in d["entries"]}
        services.save_self_assessment(actor=request.user, assessment=assessment, entries=entries)
        if d["submit"]:
            services.submit_self_assessment(actor=request.user, assessment=assessment, confirm=d["confirm"])
        return self._detail(assessment)

    def _detail(self, assessment):
        fresh = BranchAssessment.objects.select_related("organization", "grade").prefetch_related(
            Prefetch("results", queryset=IndicatorResult.objects.select_related("indicator__dimension"))
        )
        return Response(BranchAssessmentDetailSerializer(fresh.get(pk=assessment.pk)).data)

    @extend_schema(request=ReviewInput, responses=BranchAssessmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The unit's review (the page's review form): a score per indicator, a reason where it differs from
        the self-score by more than the margin, the veto for veto indicators. Refusals name ``r<result id>``."""
        assessment = self.get_object()
        entries = _parsed(ReviewInput, request)["scores"]
        scores = {e["result"]: {"score": e["score"], "veto": e["veto"], "reason": e["reason"]} for e in entries}
        services.review_assessment(actor=request.user, assessment=assessment, scores=scores)
        return self._detail(assessment)

    @extend_schema(request=SendBackInput, responses=BranchAssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """Send the self-assessment back to the branch with what it should change."""
        assessment = self.get_object()
        reason = _parsed(SendBackInput, request)["reason"]
        assessment = services.send_back(actor=request.user, assessment=assessment, reason=reason)
        return Response(BranchAssessmentSerializer(assessment).data)

    @extend_schema(request=AppealInput, responses={201: AppealSerializer})
    @action(detail=True, methods=["post"])
    def appeals(self, request, pk=None):
        """Appeal the published result of one indicator (the branch, in the notice and appeal period)."""
        assessment = self.get_object()
        d = _parsed(AppealInput, request)
        result = get_object_or_404(IndicatorResult.objects.filter(assessment=assessment), pk=d["result"])
        appeal = services.file_appeal(actor=request.user, result=result, reason=d["reason"])
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("results", queryset=IndicatorResult.objects.select_related("indicator__dimension"))
            )
        return qs
