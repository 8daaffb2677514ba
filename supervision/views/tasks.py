"""Task and target pages: create, issue, acknowledge, report, review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches import picker
from branches.mixins import FragmentLoginMixin, PaginatedMixin, ScopedMixin
from branches.params import BadParameter, parse_id

from .. import services
from ..forms import (
    FindingForm,
    ReviewForm,
    StageReportForm,
    TaskForm,
)
from ..models import (
    FindingCategory,
    StageReport,
    SupervisionTask,
    TaskTarget,
)
from .common import _error_text

# ---------------------------------------------------------------- tasks


class TaskListView(ScopedMixin, PaginatedMixin, ListView):
    model = SupervisionTask
    template_name = "supervision/supervisiontask_list.html"
    context_object_name = "tasks"
    paginate_by = 30

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization").annotate(target_count=Count("targets"))
        status = self.request.GET.get("status")
        if status in SupervisionTask.Status.values:
            qs = qs.filter(status=status)
        return qs.order_by("-deadline", "-pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["statuses"] = SupervisionTask.Status.choices
        ctx["status"] = self.request.GET.get("status", "")
        ctx["can_manage"] = services.may_create_tasks(self.request.user)
        # The user's own inbox: targets they answer for.
        ctx["inbox"] = (
            TaskTarget.objects.visible_to(self.request.user, "respond")
            .filter(task__status=SupervisionTask.Status.ISSUED)
            .exclude(status=TaskTarget.Status.COMPLETED)
            .select_related("task", "organization__unit")
            .order_by("task__deadline")[:20]
        )
        return ctx


class TaskCreateView(LoginRequiredMixin, FormView):
    """Committee staff, and inspectors within their grant when the committee allows it (SupervisionSettings)."""

    form_class = TaskForm
    template_name = "supervision/supervisiontask_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.may_create_tasks(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            task = services.create_task(
                actor=self.request.user, **form.service_kwargs(self.request.FILES.getlist("basis_file"))
            )
            if form.cleaned_data["issue_now"]:
                services.issue_task(actor=self.request.user, task=task)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The task was saved."))
        return redirect("supervision:task_detail", task.pk)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        # The tree opens level by level (TargetChildrenView): a province lists 5,400 organisations.
        ctx["nodes"] = picker.tree(form.fields["targets"].queryset, form["targets"].value())
        return ctx


class TargetChildrenView(FragmentLoginMixin, View):
    """The task form's target picker, one level: the children of ``?parent=`` within the creator's scope."""

    def get(self, request):
        if not services.may_create_tasks(request.user):
            raise Http404
        try:
            parent_id = parse_id("parent", request.GET.get("parent"))
        except BadParameter:
            raise Http404 from None
        scope = TaskForm(user=request.user).fields["targets"].queryset
        parent = get_object_or_404(scope, pk=parent_id)
        return render(
            request, "supervision/_target_nodes.html", {"nodes": picker.children(scope, parent), "nested": True}
        )


class TaskDetailView(ScopedMixin, DetailView):
    model = SupervisionTask
    template_name = "supervision/supervisiontask_detail.html"
    context_object_name = "task"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["targets"] = (
            TaskTarget.objects.visible_to(user)
            .filter(task=self.object)
            .select_related("organization__unit")
            .annotate(finding_count=Count("findings"))
        )
        ctx["inspectors"] = self.object.inspectors.all()
        ctx["attachments"] = self.object.attachments.all()
        ctx["can_manage"] = services.may_run_task(user, self.object)
        return ctx


class TaskActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, action):
        task = get_object_or_404(SupervisionTask.objects.visible_to(request.user), pk=pk)
        try:
            if action == "issue":
                services.issue_task(actor=request.user, task=task)
                messages.success(request, _("The task was issued and the targets notified."))
            elif action == "close":
                services.close_task(actor=request.user, task=task)
                messages.success(request, _("The task was closed."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect("supervision:task_detail", task.pk)


# ---------------------------------------------------------------- targets


class TargetDetailView(ScopedMixin, DetailView):
    model = TaskTarget
    template_name = "supervision/tasktarget_detail.html"
    context_object_name = "target"

    def get_queryset(self):
        return super().get_queryset().select_related("task", "organization__unit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, target = self.request.user, self.object
        reports_by_stage = {}
        for report in target.reports.select_related("submitted_by", "reviewed_by").prefetch_related("attachments"):
            reports_by_stage.setdefault(report.stage, []).append(report)
        stages = []
        for stage in target.task.stages:
            items = reports_by_stage.get(stage, [])
            open_report = any(r.status in (StageReport.Status.SUBMITTED, StageReport.Status.ACCEPTED) for r in items)
            stages.append(
                {
                    "code": stage,
                    "label": StageReport(stage=stage).get_stage_display(),
                    "reports": items,
                    "can_report": not open_report,
                }
            )
        ctx["stages"] = stages
        ctx["can_respond"] = TaskTarget.objects.visible_to(user, "respond").filter(pk=target.pk).exists()
        ctx["can_inspect"] = TaskTarget.objects.visible_to(user, "inspect").filter(pk=target.pk).exists()
        ctx["is_open"] = target.task.status == SupervisionTask.Status.ISSUED
        ctx["findings"] = target.findings.select_related("category").prefetch_related("rectifications")
        ctx["report_form"] = StageReportForm()
        ctx["review_form"] = ReviewForm()
        return ctx


class TargetAcknowledgeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        target = get_object_or_404(TaskTarget.objects.visible_to(request.user), pk=pk)
        try:
            services.acknowledge(actor=request.user, target=target)
            messages.success(request, _("Receipt acknowledged."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect("supervision:target_detail", target.pk)


class StageReportView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        target = get_object_or_404(TaskTarget.objects.visible_to(request.user), pk=pk)
        form = StageReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write the report and pick the stage."))
            return redirect("supervision:target_detail", target.pk)
        try:
            services.submit_stage_report(
                actor=request.user, target=target, files=request.FILES.getlist("files"), **form.cleaned_data
            )
            messages.success(request, _("The report was submitted."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect("supervision:target_detail", target.pk)


class ReportReviewView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        report = get_object_or_404(
            StageReport.objects.filter(target__in=TaskTarget.objects.visible_to(request.user)), pk=pk
        )
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.review_stage_report(actor=request.user, report=report, **form.cleaned_data)
                messages.success(request, _("The review was saved."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _error_text(exc))
        else:
            messages.error(request, _("Choose accept or send back."))
        return redirect("supervision:target_detail", report.target_id)


class FindingCreateView(ScopedMixin, FormView):
    """An inspector records a finding (and its first rectification) against a target."""

    model = TaskTarget
    scope_action = "inspect"
    form_class = FindingForm
    template_name = "supervision/finding_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.target = get_object_or_404(
            self.get_queryset().select_related("task", "organization__unit"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "target": self.target}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["target"] = self.target
        category = ctx["form"]["category"].value()
        if category:
            ctx["repeat"] = services.repeat_candidate(self.target, FindingCategory(pk=category))
        return ctx

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            finding = services.record_finding(actor=self.request.user, target=self.target, **data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
            return self.form_invalid(form)
        if finding.repeat_of_id:
            messages.warning(self.request, _("This problem repeats a finding from an earlier task."))
        messages.success(self.request, _("The finding was recorded and a rectification assigned."))
        return redirect("supervision:finding_detail", finding.pk)
