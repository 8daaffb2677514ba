"""Assessment cycles: the home list, creating a cycle, its page, its actions (open, calibrate,
publish), its windows and its export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.models import Organization

from .. import exports, selectors, services, windows
from ..forms import (
    CycleWindowsForm,
    OpenCycleForm,
)
from ..models import (
    Appeal,
    AppealStatus,
    AssessmentCycle,
    AssessmentStatus,
    BranchAssessment,
    CycleStatus,
    HonorKind,
)
from .common import _messages_of, _xlsx


class AssessmentHomeView(ScopedMixin, PaginatedMixin, ListView):
    """Cycles the user may see, and the branch assessments waiting for them."""

    model = AssessmentCycle
    template_name = "assessment/assessmentcycle_list.html"
    paginate_by = 30

    def get_queryset(self):
        mine = Q(assessments__organization__in=Organization.objects.visible_to(self.request.user, "assessment.view"))
        submitted = ~Q(assessments__status__in=[AssessmentStatus.DRAFT, AssessmentStatus.RETURNED])
        return (
            super()
            .get_queryset()
            .select_related("root", "system")
            .order_by("-year", "-pk")
            .annotate(
                branch_count=Count("assessments", filter=mine, distinct=True),
                submitted_count=Count("assessments", filter=mine & submitted, distinct=True),
            )
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["mine"] = list(
            BranchAssessment.objects.visible_to(user, "self")
            .filter(cycle__status__in=[CycleStatus.OPEN, CycleStatus.NOTICE])
            .select_related("cycle", "organization", "grade")[:20]
        )
        today = windows.today_of()
        for a in ctx["mine"]:
            a.may_edit = windows.secretary_may_edit(a.cycle, a.status, today)
            a.window = windows.current(a.cycle, today)
        ctx["to_review"] = [
            a
            for a in BranchAssessment.objects.visible_to(user, "review")
            .filter(cycle__status=CycleStatus.OPEN, status=AssessmentStatus.SUBMITTED)
            .select_related("cycle", "organization")[:50]
            if windows.review_open(a.cycle, today)
        ]
        ctx["can_manage"] = has_permission(user, "assessment.manage")
        return ctx


class CycleCreateView(LoginRequiredMixin, View):
    """Committee staff open a cycle for a subtree with its windows."""

    template_name = "assessment/assessmentcycle_form.html"

    def _render(self, request, form, status=200):
        return render(request, self.template_name, {"form": form}, status=status)

    def get(self, request):
        if not has_permission(request.user, "assessment.manage"):
            raise Http404
        return self._render(request, OpenCycleForm(user=request.user))

    def post(self, request):
        if not has_permission(request.user, "assessment.manage"):
            raise Http404
        form = OpenCycleForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                cycle = services.open_cycle(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("The cycle is open; every branch in scope can fill in its self-assessment.")
                )
                return redirect("assessment:cycle_detail", cycle.pk)
        return self._render(request, form, status=400)


class CycleDetailView(ScopedMixin, PaginatedMixin, DetailView):
    model = AssessmentCycle
    template_name = "assessment/assessmentcycle_detail.html"
    context_object_name = "cycle"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("root", "system")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cycle = self.object
        user = self.request.user
        visible = BranchAssessment.objects.visible_to(user, "view").filter(cycle=cycle)
        status = self.request.GET.get("status", "")
        rows = visible.select_related("organization__parent", "organization__unit", "grade").order_by(
            "organization__path"
        )
        if status:
            rows = rows.filter(status=status)
        ctx["page_obj"] = self.paginate(rows)
        ctx["status"] = status
        ctx["statuses"] = AssessmentStatus.choices
        grades = list(cycle.system.grades.all())
        values = selectors.grade_counts(visible)
        ctx["distribution"] = selectors.distribution(values, grades)
        ctx["chart_json"] = json.dumps(
            {
                "labels": [str(d["grade"] or _("No grade")) for d in ctx["distribution"]],
                "values": [d["count"] for d in ctx["distribution"]],
            },
            ensure_ascii=False,
        )
        # Per parent organisation (a province: 400): the ones over the quota, and all of them on request.
        quota = selectors.quota_rows(values, grades, cycle.system.top_quota_percent)
        ctx["quota_all"] = self.request.GET.get("quota") == "all"
        ctx["quota_total"] = len(quota)
        ctx["quota_over"] = sum(1 for q in quota if not q["ok"])
        ctx["quota"] = quota if ctx["quota_all"] else [q for q in quota if not q["ok"]]
        # From the rows already read for the distribution: no second pass over the cycle.
        unsubmitted = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)
        ctx["progress"] = {
            "total": sum(v["n"] for v in values),
            "submitted": sum(v["n"] for v in values if v["status"] not in unsubmitted),
        }
        ctx["can_calibrate"] = AssessmentCycle.objects.visible_to(user, "calibrate").filter(pk=cycle.pk).exists()
        ctx["can_manage"] = AssessmentCycle.objects.visible_to(user, "manage").filter(pk=cycle.pk).exists()
        ctx["timeline"] = windows.timeline(cycle)
        ctx["window"] = windows.current(cycle)
        ctx["honors"] = list(cycle.honors.visible_to(user, "view").select_related("organization__unit"))
        ctx["honor_kinds"] = HonorKind.choices
        if ctx["can_calibrate"]:
            ctx["honor_orgs"] = list(
                visible.filter(grade__isnull=False).select_related("organization__unit").order_by("-final_total")[:50]
            )
            if cycle.status == CycleStatus.OPEN and self.request.GET.get("diff"):
                ctx["diff"] = services.recompute_diff(cycle)
        ctx["pending_appeals"] = list(
            Appeal.objects.visible_to(user, "view")
            .filter(result__assessment__cycle=cycle, status=AppealStatus.PENDING)
            .select_related("result__indicator", "result__assessment__organization__unit")
        )
        return ctx


class CycleActionView(LoginRequiredMixin, View):
    """POST: freeze / recompute / calibrate / publish / finalize / honor / decide an appeal."""

    def post(self, request, pk, action):
        cycle = get_object_or_404(AssessmentCycle.objects.visible_to(request.user, "view"), pk=pk)
        url = reverse("assessment:cycle_detail", args=[cycle.pk])
        try:
            if action == "close_window":
                code = services.close_window(actor=request.user, cycle=cycle)
                messages.success(
                    request,
                    _("The self-assessment window is closed; review is open.")
                    if code == windows.SELF
                    else _("The review window is closed; calibration is open."),
                )
            elif action == "freeze":
                services.freeze_computed(actor=request.user, cycle=cycle)
                messages.success(request, _("Computed values are frozen."))
            elif action == "recompute":
                n = services.recompute(actor=request.user, cycle=cycle)
                messages.success(request, _("%(n)s computed results were taken again.") % {"n": n})
            elif action == "calibrate":
                services.start_calibration(actor=request.user, cycle=cycle)
                messages.success(request, _("Grades are proposed; check the distribution and the quota, then publish."))
            elif action == "publish":
                services.publish_results(actor=request.user, cycle=cycle)
                messages.success(request, _("Results are published for the notice period."))
            elif action == "finalize":
                services.finalize_cycle(actor=request.user, cycle=cycle)
                messages.success(request, _("The results are final."))
            elif action == "honor":
                org = get_object_or_404(
                    Organization.objects.visible_to(request.user, "assessment.view"),
                    pk=request.POST.get("organization"),
                )
                services.name_honor(
                    actor=request.user,
                    cycle=cycle,
                    organization=org,
                    kind=request.POST.get("kind", ""),
                    citation=request.POST.get("citation", ""),
                )
                messages.success(request, _("The title is named."))
            elif action == "appeal":
                appeal = get_object_or_404(
                    Appeal.objects.visible_to(request.user, "calibrate"),
                    pk=request.POST.get("appeal"),
                    result__assessment__cycle=cycle,
                )
                services.decide_appeal(
                    actor=request.user,
                    appeal=appeal,
                    accept=request.POST.get("accept") == "1",
                    decision=request.POST.get("decision", ""),
                    new_score=request.POST.get("new_score") or None,
                )
                messages.success(request, _("The appeal decision is recorded."))
            else:
                raise Http404
        except ValidationError as exc:
            for m in _messages_of(exc):
                messages.error(request, m)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You do not have permission to do this."))
        return redirect(url)


class CycleExportView(ScopedMixin, DetailView):
    model = AssessmentCycle

    def render_to_response(self, context, **kwargs):
        rows = (
            BranchAssessment.objects.visible_to(self.request.user, "view")
            .filter(cycle=self.object)
            .select_related("organization__parent", "grade")
            .order_by("organization__path")
        )
        return _xlsx(exports.cycle_xlsx(self.object, rows), f"cycle-{self.object.pk}.xlsx")


class CycleWindowsView(ScopedMixin, DetailView):
    """The committee moves a running cycle's dates (an extension)."""

    model = AssessmentCycle
    scope_action = "manage"
    template_name = "assessment/assessmentcycle_windows.html"
    context_object_name = "cycle"

    def get_queryset(self):
        return super().get_queryset().select_related("root", "system")

    def get_context_data(self, form=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cycle = self.object
        ctx["form"] = form or CycleWindowsForm(initial={f: getattr(cycle, f) for f in services.DATE_FIELDS})
        ctx["timeline"] = windows.timeline(cycle)
        return ctx

    def post(self, request, pk):
        self.object = cycle = self.get_object()
        form = CycleWindowsForm(request.POST)
        if form.is_valid():
            try:
                services.reschedule_cycle(actor=request.user, cycle=cycle, **form.cleaned_data)
            except ValidationError as exc:
                for m in exc.messages:
                    form.add_error(None, m)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The dates of the cycle are saved."))
                return redirect("assessment:cycle_detail", cycle.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
