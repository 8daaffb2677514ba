from branches.api.base import ScopedReadOnlyViewSet

from ..models import Card, Finding, Rectification, SupervisionTask
from .serializers import CardSerializer, FindingSerializer, RectificationSerializer, SupervisionTaskSerializer


class SupervisionTaskViewSet(ScopedReadOnlyViewSet):
    """Supervision tasks the caller may see: their organisations' tasks, or the tasks they inspect."""

    queryset = SupervisionTask.objects.select_related("organization").order_by("-deadline", "-pk")
    serializer_class = SupervisionTaskSerializer
    filterset_fields = ["status", "kind"]
    search_fields = ["title"]


class FindingViewSet(ScopedReadOnlyViewSet):
    queryset = Finding.objects.select_related("category", "target").order_by("-recorded_at", "-pk")
    serializer_class = FindingSerializer
    filterset_fields = ["severity", "category", "systemic"]


class RectificationViewSet(ScopedReadOnlyViewSet):
    queryset = Rectification.objects.order_by("effective_deadline", "pk")
    serializer_class = RectificationSerializer
    filterset_fields = ["status", "owner_org"]


class CardViewSet(ScopedReadOnlyViewSet):
    queryset = Card.objects.select_related("rule").order_by("-issued_at", "-pk")
    serializer_class = CardSerializer
    filterset_fields = ["colour", "organization"]
