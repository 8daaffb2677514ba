from rest_framework import serializers

from ..models import Assignment, QuizAttempt, StudyItem, StudyModule


class StudyItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudyItem
        fields = [
            "id", "order", "kind", "title", "url", "credit_hours", "min_minutes", "min_watch_percent",
            "duration_seconds", "pass_percent", "question_count", "attempt_limit", "time_limit_minutes",
        ]  # fmt: skip


class StudyModuleSerializer(serializers.ModelSerializer):
    items = StudyItemSerializer(many=True, read_only=True)

    class Meta:
        model = StudyModule
        fields = ["id", "organization", "title", "description", "year", "items"]


class AssignmentSerializer(serializers.ModelSerializer):
    module_title = serializers.CharField(source="module.title", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    items_total = serializers.IntegerField(read_only=True)
    items_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id", "module", "module_title", "member", "member_name", "assigned_at", "due_date", "completed_at",
            "is_makeup", "items_total", "items_done",
        ]  # fmt: skip


class HeartbeatSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    visible = serializers.BooleanField()
    active = serializers.BooleanField()
    position = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuizAttempt
        fields = ["id", "item", "question_ids", "started_at", "deadline", "submitted_at", "score_percent", "passed"]
        read_only_fields = fields


class AnswersInput(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()), help_text="question id -> chosen choice ids"
    )


class QuestionOutcomeSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    ok = serializers.BooleanField()


class AttemptResultSerializer(AttemptSerializer):
    late = serializers.BooleanField()
    results = QuestionOutcomeSerializer(many=True)

    class Meta(AttemptSerializer.Meta):
        fields = [*AttemptSerializer.Meta.fields, "late", "results"]
