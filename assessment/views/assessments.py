"""Pages of the four-strong assessment. Each view fetches through ``visible_to`` and calls one service."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from branches.access import has_permission
from branches.links import link_kind
from branches.mixins import PaginatedMixin, ScopedMixin, breadcrumbs_for
from branches.models import Organization
from branches.uploads import serve

from .. import exports, selectors, services, windows
from ..forms import (
    CycleWindowsForm,
    DimensionFormSet,
    GradeFormSet,
    IndicatorEditor,
    MeetingFilterForm,
    OpenCycleForm,
    SystemSettingsForm,
)
from ..models import (
    Appeal,
    AppealStatus,
    AssessmentCycle,
    AssessmentStatus,
    BranchAssessment,
    CycleStatus,
    Evidence,
    HonorKind,
    Indicator,
    IndicatorResult,
    IndicatorSystem,
    Method,
)


def _messages_of(exc: ValidationError) -> list[str]:
    return exc.messages


def _window_message(check, *args) -> str:
    """Why the window is closed, in the words the service would use."""
    try:
        check(*args)
    except ValidationError as exc:
        return exc.messages[0]
    return ""


def _can(user, action: str, assessment) -> bool:
    return BranchAssessment.objects.visible_to(user, action).filter(pk=assessment.pk).exists()


def _results(assessment):
    return (
        assessment.results.select_related("indicator__dimension")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .prefetch_related(Prefetch("appeals", queryset=Appeal.objects.order_by("-filed_at")))
    )


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
    paginate_by = 100

    def get_queryset(self):
        return super().get_queryset().select_related("root", "system")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cycle = self.object
        user = self.request.user
        visible = BranchAssessment.objects.visible_to(user, "view").filter(cycle=cycle)
        status = self.request.GET.get("status", "")
        rows = visible.select_related("organization__parent", "grade").order_by("organization__path")
        if status:
            rows = rows.filter(status=status)
        ctx["page_obj"] = self.paginate(rows)
        ctx["status"] = status
        ctx["statuses"] = AssessmentStatus.choices
        grades = list(cycle.system.grades.all())
        values = list(visible.values("grade_id", "organization__parent__path", "organization__parent__name"))
        ctx["distribution"] = selectors.distribution(values, grades)
        ctx["chart_json"] = json.dumps(
            {
                "labels": [str(d["grade"] or _("No grade")) for d in ctx["distribution"]],
                "values": [d["count"] for d in ctx["distribution"]],
            },
            ensure_ascii=False,
        )
        ctx["quota"] = selectors.quota_rows(values, grades, cycle.system.top_quota_percent)
        ctx["progress"] = visible.aggregate(
            total=Count("pk"),
            submitted=Count("pk", filter=~Q(status__in=[AssessmentStatus.DRAFT, AssessmentStatus.RETURNED])),
        )
        ctx["can_calibrate"] = AssessmentCycle.objects.visible_to(user, "calibrate").filter(pk=cycle.pk).exists()
        ctx["can_manage"] = AssessmentCycle.objects.visible_to(user, "manage").filter(pk=cycle.pk).exists()
        ctx["timeline"] = windows.timeline(cycle)
        ctx["window"] = windows.current(cycle)
        ctx["honors"] = list(cycle.honors.visible_to(user, "view").select_related("organization"))
        ctx["honor_kinds"] = HonorKind.choices
        if ctx["can_calibrate"]:
            ctx["honor_orgs"] = list(
                visible.filter(grade__isnull=False).select_related("organization").order_by("-final_total")[:50]
            )
            if cycle.status == CycleStatus.OPEN and self.request.GET.get("diff"):
                ctx["diff"] = services.recompute_diff(cycle)
        ctx["pending_appeals"] = list(
            Appeal.objects.visible_to(user, "view")
            .filter(result__assessment__cycle=cycle, status=AppealStatus.PENDING)
            .select_related("result__indicator", "result__assessment__organization")
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


class AssessmentDetailView(ScopedMixin, DetailView):
    """The branch's score card: radar by dimension, rank, year-over-year, what it takes, appeals."""

    model = BranchAssessment
    template_name = "assessment/branchassessment_detail.html"
    context_object_name = "assessment"

    def get_queryset(self):
        return super().get_queryset().select_related("cycle__system", "cycle__root", "organization__parent", "grade")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        a = self.object
        user = self.request.user
        results = list(_results(a))
        dims = selectors.dimension_rows(results)
        total = selectors.total_of(a, results)
        grades = list(a.cycle.system.grades.all())
        ctx.update(
            results=results,
            dims=dims,
            total=total,
            radar_json=json.dumps(selectors.radar_data(dims), ensure_ascii=False),
            rank=selectors.rank_in_unit(a),
            history=selectors.year_over_year(a, BranchAssessment.objects.visible_to(user, "view")),
            what_it_takes=selectors.what_it_takes(results, total, grades, a.grade, a.vetoed),
            breadcrumbs=breadcrumbs_for(user, a.organization),
            can_self=_can(user, "self", a) and windows.secretary_may_edit(a.cycle, a.status),
            can_review=_can(user, "review", a) and windows.review_open(a.cycle, windows.today_of()),
            window=windows.current(a.cycle),
            can_appeal=a.cycle.status == CycleStatus.NOTICE and _can(user, "self", a),
            honors=list(a.cycle.honors.filter(organization=a.organization)),
            published=a.cycle.status in (CycleStatus.NOTICE, CycleStatus.FINAL),
        )
        return ctx


class AssessmentPrintView(AssessmentDetailView):
    template_name = "assessment/branchassessment_print.html"


def _parse_self_entries(post, results) -> dict:
    entries = {}
    for r in results:
        method = r.indicator.method
        prefix = f"input-{r.pk}-"
        if method == Method.SCALE:
            data = {"level": post.get(prefix + "level", "")}
        elif method == Method.CHECKLIST:
            data = {"checked": post.getlist(prefix + "checked")}
        elif method in (Method.DEDUCTION, Method.BONUS):
            data = {"count": post.get(prefix + "count", "").strip()}
        elif method == Method.VETO:
            data = {"triggered": post.get(prefix + "triggered") == "1"}
        else:
            data = {"manual": post.get(prefix + "manual", "").strip()}
        entries[r.pk] = {"input": data, "note": post.get(f"note-{r.pk}", "")}
    return entries


def _errors_by_result(exc: ValidationError) -> tuple[dict, list]:
    by_result, general = {}, []
    if hasattr(exc, "error_dict"):
        for key, errs in exc.error_dict.items():
            msgs = [m for e in errs for m in e.messages]
            if key.startswith("r") and key[1:].isdigit():
                by_result[int(key[1:])] = msgs
            else:
                general.extend(msgs)
    else:
        general = exc.messages
    return by_result, general


class SelfAssessmentView(ScopedMixin, DetailView):
    """The secretary's self-assessment. Others in scope see it read-only."""

    model = BranchAssessment
    template_name = "assessment/branchassessment_self.html"
    context_object_name = "assessment"

    def get_queryset(self):
        return super().get_queryset().select_related("cycle__system", "organization")

    def get_context_data(self, errors=None, general=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        a = self.object
        results = list(_results(a))
        in_status = a.cycle.status == CycleStatus.OPEN and a.status in (
            AssessmentStatus.DRAFT,
            AssessmentStatus.RETURNED,
        )
        in_window = windows.secretary_may_edit(a.cycle, a.status)
        editable = in_status and in_window and _can(self.request.user, "self", a)
        errors = errors or {}
        for r in results:
            r.errors = errors.get(r.pk, [])
            r.checked = {str(i) for i in (r.self_input or {}).get("checked", [])}
        ctx.update(
            dims=selectors.dimension_rows(results),
            editable=editable,
            warnings=services.consistency_warnings(a) if editable else [],
            general_errors=general or [],
            breadcrumbs=breadcrumbs_for(self.request.user, a.organization),
            window_message=_window_message(windows.require_self_window, a.cycle, a.status)
            if in_status and not in_window
            else "",
            timeline=windows.timeline(a.cycle),
        )
        return ctx

    def post(self, request, pk):
        self.object = a = self.get_object()
        action = request.POST.get("action", "save")
        try:
            if action == "evidence":
                result = get_object_or_404(IndicatorResult, pk=request.POST.get("result"), assessment=a)
                dated = request.POST.get("dated") or None
                if dated:
                    try:
                        dated = datetime.date.fromisoformat(dated)
                    except ValueError:
                        raise ValidationError(_("Enter the date as YYYY-MM-DD.")) from None
                services.add_evidence(
                    actor=request.user,
                    result=result,
                    file=request.FILES.get("file"),
                    link=request.POST.get("link", ""),
                    title=request.POST.get("title", ""),
                    dated=dated,
                )
                messages.success(request, _("Evidence added."))
                return redirect(reverse("assessment:self", args=[a.pk]) + f"#r{result.pk}")
            if action == "remove_evidence":
                evidence = get_object_or_404(Evidence, pk=request.POST.get("evidence"), result__assessment=a)
                services.remove_evidence(actor=request.user, evidence=evidence)
                return redirect("assessment:self", a.pk)
            results = list(a.results.select_related("indicator"))
            services.save_self_assessment(
                actor=request.user, assessment=a, entries=_parse_self_entries(request.POST, results)
            )
            if action == "submit":
                services.submit_self_assessment(
                    actor=request.user, assessment=a, confirm=request.POST.get("confirm") == "1"
                )
                messages.success(request, _("Your self-assessment is submitted for review."))
                return redirect("assessment:assessment_detail", a.pk)
            messages.success(request, _("Saved."))
            return redirect("assessment:self", a.pk)
        except ValidationError as exc:
            by_result, general = _errors_by_result(exc)
            return self.render_to_response(self.get_context_data(errors=by_result, general=general), status=400)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("assessment:assessment_detail", a.pk)


class ReviewView(ScopedMixin, DetailView):
    """The unit admin's review: a score per indicator, reasons where it differs, or send back."""

    model = BranchAssessment
    template_name = "assessment/branchassessment_review.html"
    context_object_name = "assessment"

    def get_queryset(self):
        return super().get_queryset().select_related("cycle__system", "organization")

    def get_context_data(self, errors=None, general=None, posted=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        a = self.object
        results = list(_results(a))
        errors = errors or {}
        for r in results:
            r.errors = errors.get(r.pk, [])
            default = r.review_score if r.review_score is not None else r.self_score
            r.form_score = (posted or {}).get(f"score-{r.pk}", default if default is not None else "")
            r.form_reason = (posted or {}).get(f"reason-{r.pk}", r.review_reason)
        in_status = a.cycle.status == CycleStatus.OPEN and a.status in (
            AssessmentStatus.SUBMITTED,
            AssessmentStatus.REVIEWED,
        )
        in_window = windows.review_open(a.cycle, windows.today_of())
        ctx.update(
            dims=selectors.dimension_rows(results),
            editable=in_status and in_window and _can(self.request.user, "review", a),
            window_message=_window_message(windows.require_review_window, a.cycle)
            if in_status and not in_window
            else "",
            timeline=windows.timeline(a.cycle),
            general_errors=general or [],
            margin=a.cycle.system.review_margin,
            breadcrumbs=breadcrumbs_for(self.request.user, a.organization),
        )
        return ctx

    def post(self, request, pk):
        self.object = a = self.get_object()
        try:
            if request.POST.get("action") == "send_back":
                services.send_back(actor=request.user, assessment=a, reason=request.POST.get("return_reason", ""))
                messages.success(request, _("Sent back to the branch."))
                return redirect("assessment:cycle_detail", a.cycle_id)
            scores = {
                r.pk: {
                    "score": request.POST.get(f"score-{r.pk}", ""),
                    "veto": request.POST.get(f"veto-{r.pk}") == "1",
                    "reason": request.POST.get(f"reason-{r.pk}", ""),
                }
                for r in a.results.all()
            }
            services.review_assessment(actor=request.user, assessment=a, scores=scores)
            messages.success(request, _("Review saved."))
            return redirect("assessment:assessment_detail", a.pk)
        except ValidationError as exc:
            by_result, general = _errors_by_result(exc)
            ctx = self.get_context_data(errors=by_result, general=general, posted=request.POST)
            return self.render_to_response(ctx, status=400)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("assessment:assessment_detail", a.pk)


class AppealCreateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        result = get_object_or_404(
            IndicatorResult.objects.visible_to(request.user, "view").select_related("assessment"), pk=pk
        )
        try:
            services.file_appeal(actor=request.user, result=result, reason=request.POST.get("reason", ""))
            messages.success(request, _("Your appeal is filed; the work committee will record its decision."))
        except (ValidationError, PermissionDenied) as exc:
            for m in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
                messages.error(request, m)
        return redirect("assessment:assessment_detail", result.assessment_id)


class EvidenceFileView(ScopedMixin, DetailView):
    model = Evidence

    def get(self, request, *args, **kwargs):
        evidence = self.get_object()
        if not evidence.file:
            kind = link_kind(evidence.link)
            if kind == "internal":
                return redirect(evidence.link)
            if kind == "external":  # shown as leaving the portal, never a silent redirect
                return render(request, "assessment/evidence_external.html", {"evidence": evidence})
            raise Http404
        return serve(evidence)


class AssessmentExportView(AssessmentDetailView):
    def render_to_response(self, context, **kwargs):
        data = exports.scorecard_xlsx(self.object, context["results"], context["dims"], context["total"])
        return _xlsx(data, f"score-card-{self.object.pk}.xlsx")


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


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class SystemListView(LoginRequiredMixin, ListView):
    """Indicator systems are the committee's reference data; readers need the assessment view permission."""

    model = IndicatorSystem
    template_name = "assessment/indicatorsystem_list.html"

    def get_queryset(self):
        if not has_permission(self.request.user, "assessment.view"):
            raise Http404
        return IndicatorSystem.objects.annotate(indicator_count=Count("dimensions__indicators"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = has_permission(self.request.user, "assessment.manage")
        return ctx


def _require_manage(user):
    if not has_permission(user, "assessment.manage"):
        raise Http404


class SystemDetailView(LoginRequiredMixin, DetailView):
    model = IndicatorSystem
    template_name = "assessment/indicatorsystem_detail.html"
    context_object_name = "system"

    def get_queryset(self):
        if not has_permission(self.request.user, "assessment.view"):
            raise Http404
        return IndicatorSystem.objects.prefetch_related("dimensions__indicators", "grades")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = has_permission(self.request.user, "assessment.manage")
        ctx["editable"] = ctx["can_manage"] and not self.object.is_frozen
        ctx["next_year"] = self.object.year + 1
        ctx["total_max"] = sum(
            (i.max_score for d in self.object.dimensions.all() for i in d.indicators.all()), Decimal("0")
        )
        return ctx

    def post(self, request, pk):
        system = self.get_object()
        action = request.POST.get("action")
        try:
            if action == "publish":
                services.publish_system(actor=request.user, system=system)
                messages.success(request, _("The indicator system is published and frozen."))
            elif action == "new_version":
                system = services.new_version(actor=request.user, system=system)
                messages.success(request, _("A new draft version was made."))
            elif action == "copy":
                system = services.copy_system_to_year(actor=request.user, system=system, year=system.year + 1)
                messages.success(request, _("Copied as next year's draft."))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("assessment:system_detail", system.pk)


class _CommitteeEditorMixin(LoginRequiredMixin):
    """Committee staff edit indicator systems; anyone else gets a 404 (walked by the permission test)."""

    scoped = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_manage(request.user)
        return super().dispatch(request, *args, **kwargs)


class IndicatorEditorView(_CommitteeEditorMixin, View):
    """Add an indicator to a draft system (``systems/<pk>/indicators/new/``) or change one (``indicators/<pk>/``).

    A form per scoring method instead of raw parameters; rows (levels, items, ranges) are formsets.
    """

    template_name = "assessment/indicator_form.html"

    def _objects(self, pk):
        raise NotImplementedError

    def _render(self, request, system, editor, indicator=None, status=200):
        return render(
            request,
            self.template_name,
            {
                "system": system,
                "indicator": indicator,
                "editor": editor,
                "editable": not system.is_frozen,
                "methods": Method,
                "metrics": selectors.metric_rows(),
            },
            status=status,
        )

    def get(self, request, pk):
        system, indicator = self._objects(pk)
        return self._render(request, system, IndicatorEditor(system=system, instance=indicator), indicator)

    def post(self, request, pk):
        system, indicator = self._objects(pk)
        if request.POST.get("action") == "delete" and indicator is not None:
            try:
                services.remove_indicator(actor=request.user, indicator=indicator)
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
                return redirect("assessment:indicator_edit", indicator.pk)
            messages.success(request, _("Indicator removed."))
            return redirect("assessment:system_detail", system.pk)
        editor = IndicatorEditor(request.POST, system=system, instance=indicator)
        if editor.is_valid():
            fields = editor.fields()
            try:
                if indicator is None:
                    indicator = services.add_indicator(actor=request.user, dimension=fields.pop("dimension"), **fields)
                    messages.success(request, _("Indicator added."))
                else:
                    services.update_indicator(actor=request.user, indicator=indicator, **fields)
                    messages.success(request, _("Indicator saved."))
            except ValidationError as exc:
                editor.add_error(exc.messages)
            except PermissionDenied as exc:
                editor.add_error([str(exc)])
            else:
                return redirect(reverse("assessment:system_detail", args=[system.pk]) + f"#i{indicator.pk}")
        return self._render(request, system, editor, indicator, status=400)


class IndicatorCreateView(IndicatorEditorView):
    model = IndicatorSystem

    def _objects(self, pk):
        return get_object_or_404(IndicatorSystem, pk=pk), None


class IndicatorEditView(IndicatorEditorView):
    model = Indicator

    def _objects(self, pk):
        indicator = get_object_or_404(Indicator.objects.select_related("dimension__system"), pk=pk)
        return indicator.dimension.system, indicator


class SystemSettingsView(_CommitteeEditorMixin, View):
    """Dimensions, grade thresholds, the top-grade quota and the review margin of a draft system."""

    model = IndicatorSystem
    template_name = "assessment/indicatorsystem_settings.html"

    def _forms(self, system, data=None):
        total = selectors.total_max(system)
        dims = list(system.dimensions.all())
        dim_initial = [{"id": d.pk, "name": d.name, "order": d.order} for d in dims]
        grades = list(system.grades.order_by("-min_score"))
        grade_initial = [{"label": g.label, "min_score": g.min_score} for g in grades]
        if grade_initial:
            grade_initial[-1]["min_score"] = None
        settings = SystemSettingsForm(
            data,
            initial={
                "name": system.name,
                "top_quota_percent": system.top_quota_percent,
                "review_margin": system.review_margin,
            },
        )
        dimension_set = DimensionFormSet(data, prefix="dims", initial=dim_initial)
        if len(dims) < 4:
            dimension_set.extra = 4 - len(dims)
        grade_set = GradeFormSet(data, prefix="grades", initial=grade_initial or None, total_max=total)
        return settings, dimension_set, grade_set, total

    def _render(self, request, system, forms, errors=(), status=200):
        settings, dimension_set, grade_set, total = forms
        return render(
            request,
            self.template_name,
            {
                "system": system,
                "settings_form": settings,
                "dimension_set": dimension_set,
                "grade_set": grade_set,
                "total_max": total,
                "editable": not system.is_frozen,
                "errors": errors,
                "invalid": status != 200,
            },
            status=status,
        )

    def get(self, request, pk):
        system = get_object_or_404(IndicatorSystem, pk=pk)
        return self._render(request, system, self._forms(system))

    def post(self, request, pk):
        system = get_object_or_404(IndicatorSystem, pk=pk)
        forms = self._forms(system, request.POST)
        settings, dimension_set, grade_set, _total = forms
        if all([settings.is_valid(), dimension_set.is_valid(), grade_set.is_valid()]):
            try:
                services.update_system(
                    actor=request.user,
                    system=system,
                    dimensions=dimension_set.rows(),
                    grades=grade_set.rows(),
                    **settings.cleaned_data,
                )
            except ValidationError as exc:
                return self._render(request, system, forms, exc.messages, status=400)
            except PermissionDenied as exc:
                return self._render(request, system, forms, [str(exc)], status=400)
            messages.success(request, _("Grades, dimensions and quota are saved."))
            return redirect("assessment:system_detail", system.pk)
        return self._render(request, system, forms, status=400)


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


class MeetingPickerView(ScopedMixin, DetailView):
    """Pick meeting records of the branch as evidence of one indicator (instead of typing ids).

    Everyone who sees the assessment sees the list; only its secretary, in the window, links.
    """

    model = BranchAssessment
    template_name = "assessment/evidence_meetings.html"
    context_object_name = "assessment"

    def get_queryset(self):
        return super().get_queryset().select_related("cycle", "organization")

    def _result(self, a):
        return get_object_or_404(
            IndicatorResult.objects.select_related("indicator"), pk=self.kwargs["result"], assessment=a
        )

    def get_context_data(self, errors=(), **kwargs):
        ctx = super().get_context_data(**kwargs)
        a = self.object
        user = self.request.user
        result = self._result(a)
        filters = MeetingFilterForm(self.request.GET or None)
        kind = query = ""
        if filters.is_valid():
            kind, query = filters.cleaned_data["kind"], filters.cleaned_data["q"]
        meetings = list(selectors.meetings_for_evidence(a, user, kind=kind, query=query)[:500])
        linked = set(result.evidence.exclude(meeting=None).values_list("meeting_id", flat=True))
        ctx.update(
            result=result,
            meetings=meetings,
            linked=linked,
            filters=filters,
            filtered=bool(kind or query),
            errors=errors,
            editable=a.cycle.status == CycleStatus.OPEN
            and a.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)
            and windows.secretary_may_edit(a.cycle, a.status)
            and _can(user, "self", a),
            breadcrumbs=breadcrumbs_for(user, a.organization),
        )
        return ctx

    def post(self, request, pk, result):
        self.object = a = self.get_object()
        r = self._result(a)
        try:
            created = services.link_meetings(actor=request.user, result=r, meeting_ids=request.POST.getlist("meeting"))
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages), status=400)
        except PermissionDenied as exc:
            return self.render_to_response(self.get_context_data(errors=[str(exc)]), status=403)
        messages.success(
            request,
            _("%(n)s meeting records linked as evidence.") % {"n": len(created)}
            if created
            else _("These meetings were linked already."),
        )
        return redirect(reverse("assessment:self", args=[a.pk]) + f"#r{r.pk}")
