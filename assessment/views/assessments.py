"""One branch's assessment: its page and print view, self-assessment, review, appeals, evidence
files, the meeting picker and the export."""

from __future__ import annotations

import datetime
import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from branches.links import link_kind
from branches.mixins import ScopedMixin, breadcrumbs_for
from branches.uploads import serve

from .. import exports, selectors, services, windows
from ..forms import (
    MeetingFilterForm,
)
from ..models import (
    AssessmentStatus,
    BranchAssessment,
    CycleStatus,
    Evidence,
    IndicatorResult,
    Method,
)
from .common import _can, _results, _window_message, _xlsx


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
