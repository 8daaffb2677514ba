"""Plans and summaries pages: the list (the drill target of the filing rates), filing and review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.models import Organization
from branches.uploads import serve

from ..views import error_messages
from . import services
from .forms import ReportForm
from .models import PlanReport, ReportKind, ReportStatus


def year_of(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


class PlanListView(ScopedMixin, PaginatedMixin, ListView):
    """Filters: ``org`` (its subtree), ``year``, ``kind``, ``status``, ``filed=1`` (submitted at least once),
    ``on_time=1`` (first submitted by the due date). The metrics' drill links land here."""

    model = PlanReport
    template_name = "notices/plan_list.html"

    def get_queryset(self):
        g = self.request.GET
        qs = super().get_queryset().select_related("organization__unit").order_by("organization__path", "kind")
        qs = qs.filter(year=year_of(self.request))
        self.org = None
        if g.get("org", "").isdigit():
            self.org = org = Organization.objects.visible_to(self.request.user, "plan.view").filter(pk=g["org"]).first()
            qs = qs.filter(organization__path__startswith=org.path) if org else qs.none()
        if g.get("kind") in ReportKind.values:
            qs = qs.filter(kind=g["kind"])
        if g.get("status") in ReportStatus.values:
            qs = qs.filter(status=g["status"])
        if g.get("filed") == "1" or g.get("on_time") == "1":
            qs = qs.filter(first_submitted_at__isnull=False)
        if g.get("on_time") == "1":
            qs = qs.filter(first_submitted_at__date__lte=F("due_date"))
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            kinds=ReportKind.choices,
            statuses=ReportStatus.choices,
            f=self.request.GET,
            year=year_of(self.request),
            can_file=has_permission(self.request.user, "plan.file"),
        )
        if self.org is not None:
            from ..metrics import filing_orgs

            ctx["expected"] = filing_orgs([self.org])[self.org.pk]
        return ctx


class PlanCreateView(LoginRequiredMixin, View):
    template_name = "notices/plan_form.html"

    def get(self, request):
        if not has_permission(request.user, "plan.file"):
            raise PermissionDenied
        form = ReportForm(user=request.user, initial={"year": timezone.localdate().year, **request.GET.dict()})
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = ReportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                report = services.file_report(actor=request.user, submit="submit" in request.POST, **form.cleaned_data)
            except ValidationError as exc:
                for m in error_messages(exc):
                    form.add_error(None, m)
            else:
                messages.success(request, _("Saved."))
                return redirect("notices:plan_detail", report.pk)
        return render(request, self.template_name, {"form": form})


class PlanDetailView(ScopedMixin, DetailView):
    model = PlanReport
    template_name = "notices/plan_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "reviewed_by").prefetch_related("files")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r, user = self.object, self.request.user
        ctx["can_edit"] = (
            r.status in services.EDITABLE and PlanReport.objects.visible_to(user, "change").filter(pk=r.pk).exists()
        )
        ctx["can_review"] = r.status == ReportStatus.SUBMITTED and services.can_review(user, r)
        return ctx


class PlanReviewView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = get_object_or_404(PlanReport.objects.visible_to(request.user, "review"), pk=pk)
        try:
            services.review_report(
                actor=request.user,
                report=report,
                approve=request.POST.get("decision") == "approve",
                comment=request.POST.get("comment", "")[:500],
            )
        except ValidationError as exc:
            for m in error_messages(exc):
                messages.error(request, m)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The review is recorded."))
        return redirect("notices:plan_detail", report.pk)


class PlanFileView(ScopedMixin, View):
    model = PlanReport

    def get(self, request, pk, file_id):
        report = get_object_or_404(self.get_queryset(), pk=pk)
        att = report.files.filter(pk=file_id).first()
        if att is None:
            raise Http404
        return serve(att, inline=False)


class OrgPlansPanelView(ScopedMixin, View):
    """The organisation page's panel (loaded by htmx, so ``branches`` needs no import of this app)."""

    model = PlanReport

    def get(self, request, org):
        organization = get_object_or_404(Organization.objects.visible_to(request.user, "plan.view"), pk=org)
        year = timezone.localdate().year
        reports = (
            self.get_queryset()
            .filter(organization=organization, year__gte=year - 1)
            .only("id", "kind", "year", "title", "status", "due_date", "organization_id")
            .order_by("-year", "kind")
        )
        return render(request, "notices/_org_plans.html", {"reports": reports, "org": organization, "year": year})
