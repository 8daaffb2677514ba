"""Pages of the first-secretary roster. Every page fetches through ``visible_to``; views call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches import periods
from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.querysets import in_subtree
from branches.uploads import serve

from ..common import error_messages, org_filter, period_from
from . import services
from .forms import PostingForm, ReportForm
from .models import FirstSecretary, VillageReport, VillageReportFile


class PostingListView(ScopedMixin, PaginatedMixin, ListView):
    """The roster; ``?status=current`` for those in office today."""

    model = FirstSecretary
    template_name = "practice/firstsecretary_list.html"

    def get_queryset(self):
        today = periods.today()
        quarter = periods.period_containing("quarter", today).previous()
        qs = (
            super()
            .get_queryset()
            .select_related("organization__unit", "member")
            .only(
                "id",
                "village",
                "township",
                "term_start",
                "term_end",
                "organization__name",
                "organization__depth",
                "organization__unit__name",
                "member__name",
                "member__user_id",
            )
            .annotate(last_quarter_filed=Count("reports", filter=Q(reports__quarter=quarter.key)))
            .order_by("term_end", "id")
        )
        org, named = org_filter(self.request)
        if named:
            qs = in_subtree(qs, "organization", org) if org else qs.none()
        if self.request.GET.get("status") == "current":
            qs = qs.filter(term_start__lte=today, term_end__gte=today)
        self.last_quarter = quarter
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            f=self.request.GET,
            today=periods.today(),
            last_quarter=self.last_quarter,
            can_create=has_permission(self.request.user, "practice.manage"),
        )
        return ctx


class PostingCreateView(LoginRequiredMixin, FormView):
    form_class = PostingForm
    template_name = "practice/firstsecretary_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "practice.manage"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            posting = services.appoint(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            for msg in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                form.add_error(None, msg)
            return self.form_invalid(form)
        messages.success(self.request, _("The first secretary is on the roster."))
        return redirect("practice:village_detail", posting.pk)


class PostingDetailView(ScopedMixin, DetailView):
    model = FirstSecretary
    template_name = "practice/firstsecretary_detail.html"
    context_object_name = "posting"

    def get_base_queryset(self):
        return FirstSecretary.objects.select_related("organization", "member").prefetch_related("reports__files")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        quarter = periods.period_containing("quarter", periods.today())
        ctx["can_report"] = services.may_report(self.request.user, self.object)
        ctx["form"] = ReportForm(initial={"quarter": quarter.key})
        return ctx


class ReportCreateView(LoginRequiredMixin, View):
    """The posting is fetched through ``visible_to`` (the person and the dispatching unit see it)."""

    def post(self, request, pk):
        posting = get_object_or_404(FirstSecretary.objects.visible_to(request.user).select_related("member"), pk=pk)
        form = ReportForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose the quarter and write the report."))
            return redirect("practice:village_detail", pk)
        try:
            services.file_report(actor=request.user, posting=posting, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            for msg in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                messages.error(request, msg)
        else:
            messages.success(request, _("The quarterly report is filed."))
        return redirect("practice:village_detail", pk)


class ReportListView(ScopedMixin, PaginatedMixin, ListView):
    """Quarterly reports filed in a period under an organisation: the list behind the reports figure."""

    model = VillageReport
    template_name = "practice/villagereport_list.html"

    def get_queryset(self):
        self.period = period_from(self.request)
        qs = (
            super()
            .get_queryset()
            .filter(filed_on__gte=self.period.start, filed_on__lte=self.period.end)
            .select_related("posting", "posting__member", "posting__organization")
            .only(
                "id",
                "quarter",
                "filed_on",
                "posting__id",
                "posting__village",
                "posting__member__name",
                "posting__organization__name",
            )
            .order_by("-filed_on", "-id")
        )
        org, named = org_filter(self.request)
        if named:
            qs = in_subtree(qs, "posting__organization", org) if org else qs.none()
        return qs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "period": self.period, "f": self.request.GET}


class ReportFileView(ScopedMixin, View):
    """A file of a quarterly report: the dispatching unit's keepers, or the first secretary who filed it; 404 else."""

    model = VillageReportFile

    def get_queryset(self):
        postings = FirstSecretary.objects.visible_to(self.request.user).values("pk")
        return VillageReportFile.objects.filter(report__posting__in=postings)

    def get(self, request, pk):
        return serve(get_object_or_404(self.get_queryset(), pk=pk), inline=False)
