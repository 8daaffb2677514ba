"""``/api/v1/group-robots/``: the group robots of organisations the caller manages (else 404).

The webhook URL and the signing secret are write-only: they carry credentials.
"""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from branches.api.base import ScopedModelViewSet
from branches.models import Organization
from portal.robots import services as service
from portal.robots.models import GroupRobot, RobotPlatform


class GroupRobotSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    platform = serializers.ChoiceField(choices=RobotPlatform.choices)
    webhook_url = serializers.CharField(write_only=True, required=False, max_length=500)
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    clear_secret = serializers.BooleanField(write_only=True, required=False, default=False)
    has_secret = serializers.SerializerMethodField()

    class Meta:
        model = GroupRobot
        fields = [
            "id", "organization", "name", "platform", "webhook_url", "secret", "clear_secret",
            "has_secret", "keyword", "enabled", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "has_secret", "updated_at"]

    def get_has_secret(self, obj) -> bool:
        return bool(obj.secret)


class GroupRobotViewSet(ScopedModelViewSet):
    queryset = GroupRobot.objects.select_related("organization")
    serializer_class = GroupRobotSerializer
    scope_action = "view"
    write_scope_action = "change"
    filterset_fields = ["organization", "platform", "enabled"]
    ordering_fields = ["updated_at"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization")
        if not data.get("webhook_url"):
            raise ValidationError({"webhook_url": [_("Enter the robot's webhook URL.")]})
        serializer.instance = service.bind_robot(actor=self.request.user, organization=organization, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization", serializer.instance.organization)
        serializer.instance = service.bind_robot(
            actor=self.request.user, organization=organization, data=data, robot=serializer.instance
        )

    def perform_destroy(self, instance):
        service.remove_robot(actor=self.request.user, robot=instance)
