"""``/api/v1/notifications/``: the caller's own notifications (anyone else's answers 404)."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.notifications import services as service
from portal.notifications.models import Notification, Reminder


class ReminderItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reminder
        fields = ["kind", "object_type", "object_id", "step", "due_at", "title", "url"]


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()
    items = ReminderItemSerializer(source="reminders", many=True, read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id", "kind", "title", "body", "url", "object_type", "object_id", "urgent",
            "digest_day", "created_at", "read_at", "read", "items",
        ]  # fmt: skip
        read_only_fields = fields

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="unread")

    class Meta:
        model = Notification
        fields = ["kind", "urgent", "unread"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    search_fields = ["title", "body"]
    ordering_fields = ["created_at"]
    queryset = Notification.objects.none()
    # Walked by tests/test_permission_walk.py: the queryset is the caller's own notifications.
    scoped = True

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).prefetch_related(
            Prefetch("reminders", queryset=Reminder.objects.order_by("due_at", "id"))
        )

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        service.mark_read(actor=request.user, notification=notification)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": service.mark_all_read(actor=request.user)})
