"""Pages: fetch the scoped object, call one service, pick the response."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Prefetch, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from branches import periods
from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.uploads import serve

from . import reports, services
from .actions import RECT_ACTIONS
from .calendar import WorkCalendar
from .forms import (
    ExtensionForm,
    FindingForm,
    PlanForm,
    ProgressForm,
    RecheckForm,
    RectificationForm,
    ReviewForm,
    RevokeForm,
    StageReportForm,
    TaskForm,
)
from .models import (
    Attachment,
    Card,
    DeadlineExtension,
    Finding,
    FindingCategory,
    Rectification,
    Severity,
    StageReport,
    SupervisionTask,
    TaskTarget,
)
from .querysets import cards_issued_in, closed_in, closed_on_time, open_on, overdue_on


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this for this record.")


class PermissionRequiredMixin(LoginRequiredMixin):
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


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
        ctx["can_manage"] = has_permission(self.request.user, "supervision.manage")
        # The user's own inbox: targets they answer for.
        ctx["inbox"] = (
            TaskTarget.objects.visible_to(self.request.user, "respond")
            .filter(task__status=SupervisionTask.Status.ISSUED)
            .exclude(status=TaskTarget.Status.COMPLETED)
            .select_related("task", "organization")
            .order_by("task__deadline")[:20]
        )
        return ctx


class TaskCreateView(PermissionRequiredMixin, FormView):
    permission = "supervision.manage"
    form_class = TaskForm
    template_name = "supervision/supervisiontask_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            task = services.create_task(
                actor=self.request.user,
                title=data["title"],
                kind=data["kind"],
                basis=data["basis"],
                requirements=data["requirements"],
                deadline=data["deadline"],
                targets=list(data["targets"]),
                inspectors=list(data["inspectors"]),
                files=self.request.FILES.getlist("basis_file"),
            )
            if data["issue_now"]:
                services.issue_task(actor=self.request.user, task=task)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The task was saved."))
        return redirect("supervision:task_detail", task.pk)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        orgs = list(form.fields["targets"].queryset)
        min_depth = min((o.depth for o in orgs), default=0)
        chosen = {str(v) for v in (form["targets"].value() or [])}
        ctx["tree"] = [(o, o.depth - min_depth, str(o.pk) in chosen) for o in orgs]
        return ctx


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
            .select_related("organization")
            .annotate(finding_count=Count("findings"))
        )
        ctx["inspectors"] = self.object.inspectors.all()
        ctx["attachments"] = self.object.attachments.all()
        ctx["can_manage"] = SupervisionTask.objects.visible_to(user, "manage").filter(pk=self.object.pk).exists()
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
        return super().get_queryset().select_related("task", "organization")

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
        self.target = get_object_or_404(self.get_queryset().select_related("task", "organization"), pk=kwargs["pk"])
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


# ---------------------------------------------------------------- findings


class FindingListView(ScopedMixin, PaginatedMixin, ListView):
    model = Finding
    template_name = "supervision/finding_list.html"
    context_object_name = "findings"

    def get_queryset(self):
        qs = super().get_queryset().select_related("category", "target__organization", "target__task")
        params = self.request.GET
        if params.get("category"):
            qs = qs.filter(category_id=params["category"]) if params["category"].isdigit() else qs.none()
        if params.get("severity") in Severity.values:
            qs = qs.filter(severity=params["severity"])
        if params.get("repeat") == "1":
            qs = qs.filter(repeat_of__isnull=False)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["categories"] = FindingCategory.objects.all()
        ctx["severities"] = Severity.choices
        ctx["params"] = self.request.GET
        return ctx


class FindingDetailView(ScopedMixin, DetailView):
    model = Finding
    template_name = "supervision/finding_detail.html"
    context_object_name = "finding"

    def get_queryset(self):
        return super().get_queryset().select_related("category", "target__organization", "target__task", "repeat_of")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rectifications"] = (
            Rectification.objects.visible_to(self.request.user).filter(finding=self.object).select_related("owner_org")
        )
        ctx["spawned"] = SupervisionTask.objects.visible_to(self.request.user).filter(source_finding=self.object)
        ctx["can_inspect"] = services.has_inspect_scope(self.request.user, self.object)
        return ctx


class RectificationCreateView(ScopedMixin, FormView):
    """An inspector adds a further rectification to a finding (owner organisation and person)."""

    model = Finding
    form_class = RectificationForm
    template_name = "supervision/rectification_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.finding = get_object_or_404(
            self.get_queryset().select_related("target__organization", "target__task", "category"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "finding": self.finding}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "finding": self.finding}

    def form_valid(self, form):
        try:
            rect = services.create_rectification(actor=self.request.user, finding=self.finding, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The rectification was assigned."))
        return redirect("supervision:rectification_detail", rect.pk)


# ---------------------------------------------------------------- rectifications


def annotate_overdue(rects, today, cal):
    for r in rects:
        r.overdue_days = cal.working_days_between(r.effective_deadline, today) if r.is_open else 0
    return rects


def _day_param(value):
    """A ``YYYY-MM-DD`` query parameter, or None when absent or malformed."""
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _period_param(value):
    """A period key (``2026-05``, ``2026-Q2``, ``2026``), or None when absent or malformed."""
    try:
        return periods.parse(value) if value else None
    except (ValueError, TypeError):
        return None


def _org_param(user, value):
    """The organisation an ``org`` parameter names (None: the list is empty).

    Any organisation narrows the list (which stays scoped: an inspector sees the records of the tasks they
    are on); its name is shown in the filter line only to someone who may see the organisation itself.
    """
    from branches.models import Organization

    org = Organization.objects.filter(pk=value).only("id", "name", "path").first() if value.isdigit() else None
    if org is not None:
        visible = Organization.objects.visible_to(user, "supervision.view").filter(pk=org.pk).exists()
        org.shown_name = org.name if visible else _("the chosen organisation")
    return org


class RectificationListView(ScopedMixin, PaginatedMixin, ListView):
    """Rectifications, filterable as the dashboards' figures count them (``supervision/querysets.py``).

    ``status=open`` and ``overdue=1`` mean "now", or at the end of ``on=YYYY-MM-DD`` when given;
    ``closed=<period>`` lists those closed within the period; ``org`` narrows to an organisation's subtree.
    """

    model = Rectification
    template_name = "supervision/rectification_list.html"
    context_object_name = "rectifications"

    def get_queryset(self):
        qs = (
            super()
            .get_queryset()
            .select_related("owner_org", "finding__category")
            .order_by(Case(When(status="closed", then=1), default=0), "effective_deadline", "pk")
        )
        params = self.request.GET
        self.on = _day_param(params.get("on", ""))
        self.closed = _period_param(params.get("closed", ""))
        self.org = None
        status = params.get("status")
        if status == "open":
            qs = qs.filter(open_on(self.on)) if self.on else qs.open()
        elif status in Rectification.Status.values:
            qs = qs.filter(status=status)
        if params.get("overdue") == "1":
            day = self.on or timezone.localdate()
            cutoff = WorkCalendar().overdue_cutoff(day, 1)
            qs = qs.filter(overdue_on(self.on, cutoff)) if self.on else qs.open().filter(effective_deadline__lt=cutoff)
        if self.closed:
            qs = qs.filter(closed_in(self.closed))
        if params.get("org"):
            self.org = _org_param(self.request.user, params["org"])
            qs = qs.filter(owner_org__path__startswith=self.org.path) if self.org else qs.none()
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = ctx["page_obj"]
        annotate_overdue(list(page.object_list), timezone.localdate(), WorkCalendar())
        ctx["statuses"] = Rectification.Status.choices
        ctx["params"] = self.request.GET
        ctx.update(filter_org=self.org, filter_on=self.on, filter_closed=self.closed)
        if self.closed:
            # The on-time rate's numerator: of those closed in the period, how many by their deadline.
            ctx["on_time_count"] = self.object_list.filter(closed_on_time()).count()
        return ctx

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, has_other = super().paginate_queryset(queryset, page_size)
        object_list = list(object_list)
        annotate_overdue(object_list, timezone.localdate(), WorkCalendar())
        page.object_list = object_list
        return paginator, page, object_list, has_other


class RectificationDetailView(ScopedMixin, DetailView):
    model = Rectification
    template_name = "supervision/rectification_detail.html"
    context_object_name = "rect"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("owner_org", "owner_person", "finding__category", "finding__target__task")
            .prefetch_related(
                Prefetch("progress_reports", queryset=ProgressQuery()),
                "rechecks",
                "extensions",
                "cards",
            )
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, rect = self.request.user, self.object
        calendar = WorkCalendar()
        annotate_overdue([rect], timezone.localdate(), calendar)
        # Overdue days are working days: say so when the deadline's year has no holiday data.
        ctx["calendar_warning"] = calendar.warning(rect.effective_deadline, timezone.localdate())
        ctx["is_owner"] = Rectification.objects.visible_to(user, "respond").filter(pk=rect.pk).exists()
        ctx["is_inspector"] = Rectification.objects.visible_to(user, "inspect").filter(pk=rect.pk).exists()
        S = Rectification.Status
        ctx["can_plan"] = ctx["is_owner"] and rect.status in (S.AWAITING_PLAN, S.PLAN_PROPOSED, S.IN_PROGRESS)
        ctx["can_accept"] = ctx["is_inspector"] and rect.status == S.PLAN_PROPOSED
        ctx["can_progress"] = ctx["is_owner"] and rect.status == S.IN_PROGRESS
        ctx["can_recheck"] = ctx["is_inspector"] and rect.status == S.RECHECK
        ctx["can_extend"] = ctx["is_owner"] and rect.is_open
        ctx["plan_form"] = PlanForm(initial={"plan": rect.plan})
        ctx["progress_form"] = ProgressForm()
        ctx["recheck_form"] = RecheckForm()
        ctx["extension_form"] = ExtensionForm()
        return ctx


def ProgressQuery():
    from .models import ProgressReport

    return ProgressReport.objects.select_related("reported_by").prefetch_related("attachments")


class RectificationActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, action):
        rect = get_object_or_404(Rectification.objects.visible_to(request.user), pk=pk)
        if action not in RECT_ACTIONS:
            raise PermissionDenied
        form_class, perform, done = RECT_ACTIONS[action]
        data = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                errors = "; ".join(
                    f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
                )
                messages.error(request, errors)
                return redirect("supervision:rectification_detail", rect.pk)
            data = form.cleaned_data
        if action == "progress":
            data = {**data, "files": request.FILES.getlist("files")}
        try:
            perform(request.user, rect, data)
            messages.success(request, str(done))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect("supervision:rectification_detail", rect.pk)


class ExtensionDecideView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        ext = get_object_or_404(
            DeadlineExtension.objects.filter(rectification__in=Rectification.objects.visible_to(request.user)), pk=pk
        )
        try:
            services.decide_extension(
                actor=request.user,
                extension=ext,
                approve=request.POST.get("approve") == "1",
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("The decision was recorded."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect("supervision:rectification_detail", ext.rectification_id)


# ---------------------------------------------------------------- cards, board, bulletin


class CardListView(ScopedMixin, PaginatedMixin, ListView):
    """Cards; ``issued=<period>`` lists those issued within the period and not revoked (as the dashboards count)."""

    model = Card
    template_name = "supervision/card_list.html"
    context_object_name = "cards"

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization", "rule")
        params = self.request.GET
        self.issued = _period_param(params.get("issued", ""))
        self.org = None
        if params.get("colour") in ("yellow", "red"):
            qs = qs.filter(colour=params["colour"])
        if params.get("state") == "active":
            qs = qs.active()
        if self.issued:
            qs = qs.filter(cards_issued_in(self.issued))
        if params.get("org"):
            self.org = _org_param(self.request.user, params["org"])
            qs = qs.filter(organization__path__startswith=self.org.path) if self.org else qs.none()
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["params"] = self.request.GET
        ctx["can_manage"] = has_permission(self.request.user, "supervision.manage")
        ctx["revoke_form"] = RevokeForm()
        ctx.update(filter_org=self.org, filter_issued=self.issued)
        return ctx


class CardRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        card = get_object_or_404(Card.objects.visible_to(request.user), pk=pk)
        try:
            services.revoke_card(actor=request.user, card=card, reason=request.POST.get("reason", ""))
            messages.success(request, _("The card was revoked."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect("supervision:card_list")


class BoardView(PermissionRequiredMixin, TemplateView):
    permission = "supervision.use"
    scoped = True
    scope_model = Rectification
    template_name = "supervision/board.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["board"] = reports.board(self.request.user, today=timezone.localdate())
        return ctx


class BulletinView(PermissionRequiredMixin, TemplateView):
    permission = "supervision.use"
    scoped = True
    scope_model = Card
    template_name = "supervision/bulletin.html"

    def get(self, request, *args, **kwargs):
        period = reports.period_from(request.GET.get("period"), timezone.localdate())
        bulletin = reports.bulletin(request.user, period, today=timezone.localdate())
        if request.GET.get("format") == "xlsx":
            return reports.bulletin_xlsx(bulletin)
        return self.render_to_response({"bulletin": bulletin, "period": period})


class AttachmentView(LoginRequiredMixin, View):
    """Serve a file only after its parent record was fetched through ``visible_to`` (else 404)."""

    def get(self, request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        user = request.user
        if attachment.task_id:
            visible = SupervisionTask.objects.visible_to(user).filter(pk=attachment.task_id)
        elif attachment.stage_report_id:
            visible = TaskTarget.objects.visible_to(user).filter(reports__pk=attachment.stage_report_id)
        elif attachment.progress_report_id:
            visible = Rectification.objects.visible_to(user).filter(progress_reports__pk=attachment.progress_report_id)
        else:
            visible = SupervisionTask.objects.none()
        if not visible.exists():
            raise Http404
        return serve(attachment, inline=attachment.is_image or attachment.content_type == "application/pdf")
