"""Supervision API: scoped lists, and every action the pages offer through the same forms and services.

Objects are fetched in the caller's view scope (404 outside, as on the pages); the service then
decides whether this caller may act (403 with the service's message), and writes the audit record.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.actions import form_schema, valid_form, validated
from branches.api.base import ScopedReadOnlyViewSet

from .. import services
from ..actions import RECT_ACTIONS
from ..forms import (
    ExtensionForm,
    FindingForm,
    PlanForm,
    ProgressForm,
    RecheckForm,
    ReviewForm,
    StageReportForm,
    TaskForm,
)
from ..models import Card, DeadlineExtension, Finding, Rectification, StageReport, SupervisionTask, TaskTarget
from .serializers import (
    CardSerializer,
    FindingSerializer,
    RectificationSerializer,
    StageReportSerializer,
    SupervisionTaskSerializer,
    TargetSerializer,
)

TaskInput = form_schema(TaskForm, "SupervisionTaskInput")
StageReportInput = form_schema(StageReportForm, "StageReportInput")
ReviewInput = form_schema(ReviewForm, "StageReportReviewInput")
FindingInput = form_schema(FindingForm, "FindingInput")
RECT_INPUTS = {
    "plan": form_schema(PlanForm, "RectificationPlanInput"),
    "progress": form_schema(ProgressForm, "RectificationProgressInput"),
    "recheck": form_schema(RecheckForm, "RectificationRecheckInput"),
    "extend": form_schema(ExtensionForm, "RectificationExtensionInput"),
}
DecisionInput = form_schema(ReviewForm, "ExtensionDecisionInput")


class SupervisionTaskViewSet(ScopedReadOnlyViewSet):
    """Supervision tasks the caller may see: their organisations' tasks, or the tasks they inspect."""

    queryset = SupervisionTask.objects.select_related("organization").order_by("-deadline", "-pk")
    serializer_class = SupervisionTaskSerializer
    filterset_fields = ["status", "kind"]
    search_fields = ["title"]

    @extend_schema(request=TaskInput, responses={201: SupervisionTaskSerializer})
    def create(self, request, *args, **kwargs):
        """Create (and by default issue) a task: committee staff, or an inspector within their grant when the
        committee allows it (the inspector becomes the task's inspector). As the new-task page."""
        if not services.may_create_tasks(request.user):
            raise PermissionDenied
        form = valid_form(request, TaskForm, user=request.user)
        task = services.create_task(actor=request.user, **form.service_kwargs(request.FILES.getlist("basis_file")))
        if form.cleaned_data["issue_now"]:
            task = services.issue_task(actor=request.user, task=task)
        return Response(SupervisionTaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskTargetViewSet(ScopedReadOnlyViewSet):
    """One task at one organisation: acknowledge (签收), report, and the inspector's findings."""

    queryset = TaskTarget.objects.select_related("organization", "task").order_by("-task__deadline", "pk")
    serializer_class = TargetSerializer
    write_scope_action = "view"  # as on the page: the service decides who may act
    filterset_fields = ["status", "task"]

    @extend_schema(request=None, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        target = services.acknowledge(actor=request.user, target=self.get_object())
        return Response(TargetSerializer(target).data)

    @extend_schema(request=StageReportInput, responses={201: StageReportSerializer})
    @action(detail=True, methods=["post"])
    def reports(self, request, pk=None):
        target = self.get_object()
        data = validated(request, StageReportForm)
        report = services.submit_stage_report(
            actor=request.user, target=target, files=request.FILES.getlist("files"), **data
        )
        return Response(StageReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewInput, responses=StageReportSerializer)
    @action(detail=True, methods=["post"], url_path=r"reports/(?P<report_pk>\d+)/review")
    def review(self, request, pk=None, report_pk=None):
        report = get_object_or_404(StageReport.objects.filter(target=self.get_object()), pk=report_pk)
        report = services.review_stage_report(actor=request.user, report=report, **validated(request, ReviewForm))
        return Response(StageReportSerializer(report).data)

    @extend_schema(request=FindingInput, responses={201: FindingSerializer})
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        target = self.get_object()
        data = validated(request, FindingForm, user=request.user, target=target)
        finding = services.record_finding(actor=request.user, target=target, **data)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class FindingViewSet(ScopedReadOnlyViewSet):
    queryset = Finding.objects.select_related("category", "target").order_by("-recorded_at", "-pk")
    serializer_class = FindingSerializer
    filterset_fields = ["severity", "category", "systemic"]


class RectificationViewSet(ScopedReadOnlyViewSet):
    """Rectifications: the owner plans, reports progress, submits for recheck and asks for more time;
    the inspector accepts the plan, rechecks and decides extensions."""

    queryset = Rectification.objects.order_by("effective_deadline", "pk")
    serializer_class = RectificationSerializer
    write_scope_action = "view"  # as on the page: the service decides who may act
    filterset_fields = ["status", "owner_org"]

    def _act(self, request, name):
        rect = self.get_object()
        form_class, perform, _done = RECT_ACTIONS[name]
        data = validated(request, form_class) if form_class is not None else {}
        if name == "progress":
            data = {**data, "files": request.FILES.getlist("files")}
        perform(request.user, rect, data)
        rect.refresh_from_db()
        return Response(RectificationSerializer(rect).data)

    @extend_schema(request=RECT_INPUTS["plan"], responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        return self._act(request, "plan")

    @extend_schema(request=None, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(request, "accept")

    @extend_schema(request=RECT_INPUTS["progress"], responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        return self._act(request, "progress")

    @extend_schema(request=None, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(request, "submit")

    @extend_schema(request=RECT_INPUTS["recheck"], responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        return self._act(request, "recheck")

    @extend_schema(request=RECT_INPUTS["extend"], responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._act(request, "extend")

    @extend_schema(request=DecisionInput, responses=RectificationSerializer)
    @action(detail=True, methods=["post"], url_path=r"extensions/(?P<extension_pk>\d+)/decide")
    def decide(self, request, pk=None, extension_pk=None):
        rect = self.get_object()
        ext = get_object_or_404(DeadlineExtension.objects.filter(rectification=rect), pk=extension_pk)
        data = validated(request, ReviewForm)
        services.decide_extension(actor=request.user, extension=ext, approve=data["accept"], note=data["note"])
        rect.refresh_from_db()
        return Response(RectificationSerializer(rect).data)


class CardViewSet(ScopedReadOnlyViewSet):
    queryset = Card.objects.select_related("rule").order_by("-issued_at", "-pk")
    serializer_class = CardSerializer
    filterset_fields = ["colour", "organization"]
