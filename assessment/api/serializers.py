from rest_framework import serializers

from .. import windows
from ..models import Appeal, AssessmentCycle, BranchAssessment, IndicatorResult


class AssessmentCycleSerializer(serializers.ModelSerializer):
    root_name = serializers.CharField(source="root.name", read_only=True)
    system = serializers.CharField(source="system.__str__", read_only=True)
    current_window = serializers.SerializerMethodField(
        help_text="The window open now: self, review, calibration, notice, or null."
    )

    def get_current_window(self, obj) -> str | None:
        return windows.current(obj)

    class Meta:
        model = AssessmentCycle
        fields = [
            "id",
            "name",
            "year",
            "status",
            "root",
            "root_name",
            "system",
            "self_due",
            "review_due",
            "cutoff",
            "calibration_due",
            "notice_until",
            "appeal_until",
            "current_window",
            "self_closed_at",
            "review_closed_at",
            "frozen_at",
            "published_at",
            "finalized_at",
        ]


class IndicatorResultSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code")
    indicator = serializers.CharField(source="indicator.name")
    dimension = serializers.CharField(source="indicator.dimension.name")
    method = serializers.CharField(source="indicator.method")
    max_score = serializers.DecimalField(source="indicator.max_score", max_digits=5, decimal_places=1)

    class Meta:
        model = IndicatorResult
        fields = [
            "id",
            "code",
            "indicator",
            "dimension",
            "method",
            "max_score",
            "self_score",
            "review_score",
            "final_score",
            "computed_value",
            "computed_points",
            "computed_source",
        ]


class BranchAssessmentSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    grade = serializers.CharField(source="grade.label", default=None, allow_null=True, read_only=True)

    class Meta:
        model = BranchAssessment
        fields = [
            "id",
            "cycle",
            "organization",
            "organization_name",
            "status",
            "self_total",
            "review_total",
            "final_total",
            "vetoed",
            "grade",
            "quota_demoted",
            "submitted_at",
            "reviewed_at",
        ]


class BranchAssessmentDetailSerializer(BranchAssessmentSerializer):
    results = IndicatorResultSerializer(many=True, read_only=True)

    class Meta(BranchAssessmentSerializer.Meta):
        fields = [*BranchAssessmentSerializer.Meta.fields, "results"]


class ReviewEntryInput(serializers.Serializer):
    result = serializers.IntegerField(help_text="indicator result id (``results[].id`` of the assessment)")
    score = serializers.CharField(required=False, allow_blank=True, default="", help_text="the review score")
    veto = serializers.BooleanField(required=False, default=False, help_text="veto indicators: the veto applies")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="needed where the review differs from the self-score"
    )


class ReviewInput(serializers.Serializer):
    scores = ReviewEntryInput(many=True, help_text="one entry per indicator; a missing one is refused by its id")


class SendBackInput(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="what the branch should change"
    )


class AppealInput(serializers.Serializer):
    result = serializers.IntegerField(help_text="indicator result id (``results[].id`` of the assessment)")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AppealDecisionInput(serializers.Serializer):
    accept = serializers.BooleanField(required=False, default=False)
    decision = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="the decision and its reason"
    )
    new_score = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None, help_text="the corrected score (accept)"
    )


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = ["id", "result", "reason", "status", "decision", "filed_at", "decided_at"]
        read_only_fields = fields
