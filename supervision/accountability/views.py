"""Pages of 述职评议: fetch through ``visible_to`` (404 outside), call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.models import Organization

from . import exports, selectors, services
from .forms import ProblemForm, RaterForm, ReportForm, RoundForm
from .models import Rater, Rating, Reporter, ReviewProblem, ReviewRound


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this for this record.")


def _can_manage(user, rnd) -> bool:
    return ReviewRound.objects.visible_to(user, "manage").filter(pk=rnd.pk).exists()


class RoundListView(ScopedMixin, PaginatedMixin, ListView):
    model = ReviewRound
    template_name = "accountability/reviewround_list.html"
    context_object_name = "rounds"
    paginate_by = 20

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organization")
            .annotate(reporter_count=Count("reporters"))
            .order_by("-year", "-pk")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_open"] = has_permission(user, "accountability.manage")
        ctx["seats"] = (
            Rater.objects.of(user)
            .filter(round__status=ReviewRound.Status.OPEN)
            .select_related("round", "panel")
            .order_by("-round__year", "round_id")[:20]
        )
        ctx["mine"] = (
            Reporter.objects.visible_to(user, "report")
            .select_related("round", "organization")
            .order_by("-round__year", "-round_id")[:20]
        )
        return ctx


class RoundCreateView(LoginRequiredMixin, FormView):
    template_name = "accountability/reviewround_form.html"
    form_class = RoundForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organization = (
                Organization.objects.visible_to(request.user, "accountability.manage").order_by("depth", "path").first()
            )
            if self.organization is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_initial(self):
        today = timezone.localdate()
        return {
            "year": today.year - 1 if today.month <= 6 else today.year,
            "title": _("%(year)s annual review of secretaries' party-building work")
            % {"year": today.year - 1 if today.month <= 6 else today.year},
        }

    def form_valid(self, form):
        try:
            rnd = services.open_round(actor=self.request.user, organization=self.organization, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The round was opened and the reporting secretaries notified."))
        return redirect("accountability:round_detail", pk=rnd.pk)


class RoundQueryMixin(ScopedMixin):
    model = ReviewRound

    def get_base_queryset(self):
        return ReviewRound.objects.select_related("organization", "rectification_task")


class RoundDetailView(RoundQueryMixin, PaginatedMixin, DetailView):
    """A round: its actions, the rating progress (counts only) and a page of its reporters.

    A city round reports every branch secretary (hundreds of rows), so the reporters are paged and the
    progress gives the round-wide totals as aggregates plus the counts of the page's rows.
    """

    template_name = "accountability/reviewround_detail.html"
    context_object_name = "round"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rnd, user = self.object, self.request.user
        manage = _can_manage(user, rnd)
        ctx["can_manage"] = manage
        # Problems counted per row of the page (a correlated count PostgreSQL evaluates after the LIMIT), not
        # a join grouped over every reporter of the round.
        problems = ReviewProblem.objects.filter(reporter=OuterRef("pk")).order_by().values(one=Value(1))
        reporters = (
            Reporter.objects.visible_to(user)
            .filter(round=rnd)
            .select_related("organization__unit", "secretary", "grade")
            .annotate(problem_count=Coalesce(Subquery(problems.annotate(n=Count("pk")).values("n")), 0))
        )
        show_results = rnd.results_ready and (manage or rnd.status == ReviewRound.Status.PUBLISHED)
        ctx["show_results"] = show_results
        order = ("rank", "organization__path") if show_results else ("organization__path",)
        page = self.paginate(reporters.order_by(*order))
        ctx["page_obj"] = page
        ctx["reporters"] = page.object_list
        progress = selectors.progress(rnd, page.object_list) if manage and rnd.is_open else None
        ctx["progress"] = progress
        ctx["rows"] = [
            {"reporter": r, "progress": progress["by_reporter"][r.pk] if progress else None} for r in page.object_list
        ]
        ctx["seats"] = list(Rater.objects.of(user).filter(round=rnd).select_related("panel"))
        ctx["rater_form"] = RaterForm(organization=rnd.organization) if manage and rnd.is_open else None
        return ctx


class RoundActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]
    actions = {
        "close": (services.close_round, _("The round was closed and the results computed.")),
        "publish": (services.publish_round, _("The ranking was published.")),
    }

    def post(self, request, pk, action):
        rnd = get_object_or_404(ReviewRound.objects.visible_to(request.user), pk=pk)
        if action not in self.actions:
            raise Http404
        service, done = self.actions[action]
        try:
            service(actor=request.user, round=rnd)
            messages.success(request, str(done))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect("accountability:round_detail", pk=rnd.pk)


class RaterAddView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        rnd = get_object_or_404(ReviewRound.objects.visible_to(request.user), pk=pk)
        form = RaterForm(request.POST, organization=rnd.organization)
        if not form.is_valid():
            messages.error(request, _("Pick the rater."))
        else:
            try:
                services.add_rater(actor=request.user, round=rnd, user=form.cleaned_data["user"])
                messages.success(request, _("The rater was added."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _error_text(exc))
        return redirect("accountability:round_detail", pk=rnd.pk)


class RoundExportView(RoundQueryMixin, DetailView):
    """The results (or, while open, the progress counts) as a streamed Excel workbook; organisers only."""

    scope_action = "manage"

    def render_to_response(self, context):
        return exports.round_workbook(self.object)


class RateListView(RoundQueryMixin, DetailView):
    """The rater's phone page: the secretaries they rate in this round, rated or not."""

    template_name = "accountability/reviewround_rate.html"
    context_object_name = "round"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rnd, user = self.object, self.request.user
        seats = Rater.objects.of(user).filter(round=rnd)
        ctx["reporters"] = (
            Reporter.objects.filter(round=rnd, panel__in=seats.values("panel_id"))
            .select_related("organization__unit", "secretary")
            .annotate(rated=Exists(Rating.objects.filter(reporter=OuterRef("pk"), rater__in=seats)))
            .order_by("organization__path")
        )
        return ctx


class ReporterQueryMixin(ScopedMixin):
    model = Reporter

    def get_base_queryset(self):
        return Reporter.objects.select_related("round", "organization", "secretary", "grade", "filed_by")


class ReporterDetailView(ReporterQueryMixin, DetailView):
    template_name = "accountability/reporter_detail.html"
    context_object_name = "reporter"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r, user = self.object, self.request.user
        rnd = r.round
        manage = _can_manage(user, rnd)
        can_report = rnd.is_open and Reporter.objects.visible_to(user, "report").filter(pk=r.pk).exists()
        indicators = list(rnd.indicators.all())
        ctx.update(
            round=rnd,
            can_manage=manage,
            can_report=can_report,
            report_form=ReportForm(initial={"report": r.report}) if can_report else None,
            figures=selectors.figure_rows(indicators, selectors.live_figures(r)),
            filed_figures=selectors.figure_rows(indicators, r.report_figures) if r.filed_at else None,
            show_results=rnd.results_ready and (manage or rnd.status == ReviewRound.Status.PUBLISHED),
            problems=r.problems.select_related("finding").prefetch_related("finding__rectifications"),
            problem_form=ProblemForm(organization=r.organization) if manage and rnd.results_ready else None,
        )
        return ctx


class ReporterReportView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        r = get_object_or_404(Reporter.objects.visible_to(request.user), pk=pk)
        form = ReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write the report."))
        else:
            try:
                services.file_report(actor=request.user, reporter=r, report=form.cleaned_data["report"])
                messages.success(request, _("The report was filed."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _error_text(exc))
        return redirect("accountability:reporter_detail", pk=r.pk)


class ReporterRateView(ReporterQueryMixin, DetailView):
    """One secretary, one tap per item. GET shows the form (or that the rating is done); POST rates once."""

    template_name = "accountability/reporter_rate.html"
    context_object_name = "reporter"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r, user = self.object, self.request.user
        seat = Rater.objects.of(user).filter(round_id=r.round_id, panel_id=r.panel_id).first()
        ctx["seat"] = seat
        ctx["rated"] = bool(seat) and Rating.objects.filter(reporter=r, rater=seat).exists()
        ctx["dimensions"] = r.round.dimensions.all()
        ctx["grades"] = r.round.grades.all()
        ctx["chosen"] = kwargs.get("chosen", {})
        return ctx

    def post(self, request, pk):
        self.object = get_object_or_404(Reporter.objects.visible_to(request.user, "rate"), pk=pk)
        taps = {k.removeprefix("dim-"): v for k, v in request.POST.items() if k.startswith("dim-")}
        try:
            services.rate(actor=request.user, reporter=self.object, taps=taps)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
            return self.render_to_response(self.get_context_data(chosen=taps))
        messages.success(request, _("Your rating was recorded. Thank you."))
        return redirect("accountability:rate_list", pk=self.object.round_id)


class ProblemCreateView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        r = get_object_or_404(Reporter.objects.visible_to(request.user).select_related("organization"), pk=pk)
        form = ProblemForm(request.POST, organization=r.organization)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        else:
            try:
                services.send_problem(actor=request.user, reporter=r, **form.cleaned_data)
                messages.success(request, _("The problem was sent to rectification."))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _error_text(exc))
        return redirect("accountability:reporter_detail", pk=r.pk)


class RoundSettingsView(ScopedMixin, View):
    """The committee edits the round's rating form, grades and weighting (organisers only; 404 for others)."""

    model = ReviewRound
    scope_action = "manage"
    template_name = "accountability/reviewround_settings.html"

    def _render(self, request, rnd, forms, status=200):
        from django.shortcuts import render

        rated = Rating.objects.filter(reporter__round=rnd).exists()
        return render(request, self.template_name, {"round": rnd, "rated": rated, **forms}, status=status)

    def get(self, request, pk):
        from . import configuration
        from .configuration_forms import settings_forms

        rnd = get_object_or_404(self.get_queryset(), pk=pk)
        return self._render(request, rnd, settings_forms(initial=configuration.current(rnd)))

    def post(self, request, pk):
        from . import configuration
        from .configuration_forms import rows, settings_forms

        rnd = get_object_or_404(self.get_queryset(), pk=pk)
        forms = settings_forms(request.POST, initial=configuration.current(rnd))
        if all(f.is_valid() for f in forms.values()):
            data = {
                **forms["weights"].cleaned_data,
                "dimensions": rows(forms["dimensions"]),
                "grades": rows(forms["grades"]),
                "indicators": rows(forms["indicators"]),
            }
            try:
                configuration.update_settings(actor=request.user, round=rnd, data=data)
            except (ValidationError, PermissionDenied) as exc:
                for m in exc.messages if isinstance(exc, ValidationError) else [_error_text(exc)]:
                    messages.error(request, m)
            else:
                messages.success(request, _("The round's settings were saved."))
                return redirect("accountability:round_detail", pk=rnd.pk)
        else:
            messages.error(request, _("Correct the marked fields."))
        return self._render(request, rnd, forms)
