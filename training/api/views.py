import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from branches.api.base import ScopedReadOnlyViewSet

from .. import services
from ..models import Assignment, QuizAttempt, StudyItem, StudyModule
from ..views.common import _done_count, _items_count
from .serializers import (
    AnswersInput,
    AssignmentSerializer,
    AttemptResultSerializer,
    AttemptSerializer,
    HeartbeatSerializer,
    StudyModuleSerializer,
)


class StudyModuleViewSet(ScopedReadOnlyViewSet):
    """Study modules the caller may see (owned in their scope, or assigned to them)."""

    queryset = StudyModule.objects.prefetch_related(Prefetch("items", queryset=StudyItem.objects.order_by("order")))
    serializer_class = StudyModuleSerializer
    filterset_fields = ["year", "organization"]
    search_fields = ["title"]


class AssignmentFilter(django_filters.FilterSet):
    mine = django_filters.BooleanFilter(method="filter_mine", label="only the caller's own")

    class Meta:
        model = Assignment
        fields = ["module", "member"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(member__user=self.request.user) if value else queryset


class AssignmentViewSet(ScopedReadOnlyViewSet):
    """The caller's own assignments and progress; secretaries also see their branch's."""

    queryset = Assignment.objects.select_related("module", "member").annotate(
        items_total=_items_count(), items_done=_done_count()
    )
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["due_date", "assigned_at"]

    @action(detail=True, methods=["post"], serializer_class=HeartbeatSerializer)
    def heartbeat(self, request, pk=None):
        """Report that the page is open: the server credits only real, visible, active time."""
        assignment = self.get_object()
        data = HeartbeatSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = get_object_or_404(StudyItem, pk=data.validated_data["item"], module_id=assignment.module_id)
        try:
            progress = services.heartbeat(
                actor=request.user,
                assignment=assignment,
                item=item,
                visible=data.validated_data["visible"],
                active=data.validated_data["active"],
                position=data.validated_data.get("position"),
            )
        except ValidationError as exc:
            raise DRFValidationError({"detail": " ".join(exc.messages)}) from exc
        except PermissionDenied as exc:
            raise DRFPermissionDenied(str(exc)) from exc
        return Response(
            {
                "seconds": progress.seconds,
                "required_seconds": item.min_minutes * 60,
                "furthest_position": progress.furthest_position,
                "completed": progress.completed_at is not None,
            },
            status=status.HTTP_200_OK,
        )

    @extend_schema(request=None, responses={201: AttemptSerializer})
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_pk>\d+)/attempts")
    def start_attempt(self, request, pk=None, item_pk=None):
        """Start a quiz attempt: the questions are drawn and the clock starts."""
        assignment = self.get_object()
        item = get_object_or_404(StudyItem, pk=item_pk, module_id=assignment.module_id)
        attempt = services.start_attempt(actor=request.user, assignment=assignment, item=item)
        return Response(AttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswersInput, responses=AttemptResultSerializer)
    @action(detail=True, methods=["post"], url_path=r"attempts/(?P<attempt_pk>\d+)/submit")
    def submit_attempt(self, request, pk=None, attempt_pk=None):
        """Hand in the answers (question id -> chosen choice ids); the score and pass are the page's."""
        attempt = get_object_or_404(QuizAttempt.objects.filter(assignment=self.get_object()), pk=attempt_pk)
        data = AnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        answers = {str(k): [str(c) for c in v] for k, v in data.validated_data["answers"].items()}
        result = services.submit_attempt(actor=request.user, attempt=attempt, answers=answers)
        return Response(
            {
                **AttemptSerializer(result["attempt"]).data,
                "late": result["late"],
                "results": [{"question": r["question"].pk, "ok": r["ok"]} for r in result["results"]],
            }
        )

    def get_queryset(self):
        if self.action in ("heartbeat", "start_attempt", "submit_attempt"):
            # Heartbeats and quiz attempts come only from the member themselves.
            return Assignment.objects.filter(member__user=self.request.user).select_related("member", "module")
        return super().get_queryset()
