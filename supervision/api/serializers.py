from rest_framework import serializers

from ..models import Card, Finding, Rectification, StageReport, SupervisionTask, TaskTarget


class TargetSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = TaskTarget
        fields = ["id", "organization", "organization_name", "status", "acknowledged_at"]


class StageReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageReport
        fields = [
            "id",
            "target",
            "stage",
            "content",
            "evidence",
            "status",
            "submitted_at",
            "reviewed_at",
            "review_note",
        ]


class SupervisionTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupervisionTask
        fields = ["id", "title", "kind", "status", "basis", "requirements", "deadline", "issued_at", "organization"]


class FindingSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", read_only=True)
    task = serializers.IntegerField(source="target.task_id", read_only=True)
    organization = serializers.IntegerField(source="target.organization_id", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "task",
            "organization",
            "category",
            "severity",
            "description",
            "evidence",
            "systemic",
            "repeat_of",
            "recorded_at",
        ]


class RectificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rectification
        fields = [
            "id",
            "finding",
            "owner_org",
            "owner_person",
            "measures",
            "plan",
            "deadline",
            "effective_deadline",
            "status",
            "failed_rechecks",
            "closed_at",
        ]


class CardSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True)

    class Meta:
        model = Card
        fields = [
            "id",
            "colour",
            "rule",
            "organization",
            "rectification",
            "finding",
            "reason",
            "issued_at",
            "revoked_at",
            "revoke_reason",
            "cleared_at",
        ]
