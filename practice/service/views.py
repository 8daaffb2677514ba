"""Pages of 双报到 and volunteering. Every page fetches through ``visible_to``; views call one service."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from branches import periods
from branches.access import has_permission, primary_grant
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.models import Member, Organization
from branches.querysets import in_subtree

from .. import exports as exports_common
from ..common import ScopedAction, error_messages, member_of, org_filter, period_from, year_from
from . import exports, services, stats
from .forms import CommunityReportForm, ConfirmForm, ResidenceForm, ServiceForm
from .models import CommunityReport, ResidenceRegistration, ServiceSettings, ServiceStatus, VolunteerService


def _add_errors(form, exc):
    for msg in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
        form.add_error(None, msg)


class MyServiceView(LoginRequiredMixin, View):
    """A member's own page: where they live (个人报到), their service this year, and logging more."""

    template_name = "practice/volunteerservice_mine.html"

    def member(self):
        member = member_of(self.request.user)
        if member is None:
            raise Http404
        return member

    def render(self, member, residence_form=None, service_form=None):
        year = periods.period_containing("year", periods.today())
        residence = ResidenceRegistration.objects.filter(member=member).first()
        records = list(VolunteerService.objects.filter(member=member, date__year=year.start.year))
        count, hours = stats.member_totals([member.pk], year)[member.pk]
        conf = ServiceSettings.current()
        return render(
            self.request,
            self.template_name,
            {
                "member": member,
                "residence": residence,
                "records": records,
                "count": count,
                "hours": hours,
                "settings": conf,
                "meets": conf.meets(count, hours),
                "year": year.start.year,
                "residence_form": residence_form
                or ResidenceForm(initial={"community": getattr(residence, "community", "")}),
                "service_form": service_form
                or ServiceForm(initial={"date": periods.today(), "community": getattr(residence, "community", "")}),
            },
        )

    def get(self, request):
        member = member_of(request.user)
        if member is None:  # staff without a register entry: say why rather than a 404 from the menu
            return render(request, self.template_name, {"member": None})
        return self.render(member)

    def post(self, request):
        member = self.member()
        if request.POST.get("action") == "residence":
            form = ResidenceForm(request.POST)
            if form.is_valid():
                try:
                    services.register_residence(actor=request.user, member=member, **form.cleaned_data)
                except (ValidationError, PermissionDenied) as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(request, _("Your residential community is registered."))
                    return redirect("practice:service_mine")
            return self.render(member, residence_form=form)
        form = ServiceForm(request.POST)
        if form.is_valid():
            try:
                services.log_service(actor=request.user, member=member, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, _("Your service is logged; your secretary records the community's confirmation.")
                )
                return redirect("practice:service_mine")
        return self.render(member, service_form=form)


class ServiceListView(ScopedMixin, PaginatedMixin, ListView):
    """Volunteer service under an organisation in a period; the confirmation queue with ``?status=pending``."""

    model = VolunteerService
    template_name = "practice/volunteerservice_list.html"
    paginate_by = 30

    def get_queryset(self):
        self.period = period_from(self.request)
        qs = (
            super()
            .get_queryset()
            .select_related("member", "member__organization__unit")
            .only(
                "id",
                "date",
                "community",
                "activity",
                "hours",
                "status",
                "confirmer",
                "note",
                "member__id",
                "member__name",
                "member__user_id",
                "member__organization__id",
                "member__organization__name",
                "member__organization__depth",
                "member__organization__unit",
                "member__organization__unit__name",
            )
            .filter(date__gte=self.period.start, date__lte=self.period.end)
            .order_by("-date", "-id")
        )
        self.org, named = org_filter(self.request)
        if named:
            qs = in_subtree(qs, "member__organization", self.org) if self.org else qs.none()
        if self.request.GET.get("status") in ServiceStatus.values:
            qs = qs.filter(status=self.request.GET["status"])
        return qs

    def get_paginator(self, queryset, per_page, **kwargs):
        # The record count and the hours in one aggregate, kept between views (``stats.list_totals``); the
        # paginator takes the count instead of its own COUNT.
        self.totals = stats.list_totals(queryset, self.org)
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.totals["n"]
        return paginator

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["period"] = self.period
        ctx["f"] = self.request.GET
        ctx["statuses"] = ServiceStatus.choices
        ctx["total_hours"] = self.totals["h"] or Decimal(0)
        # Behind the hours-per-member figure: the organisation's party members (the figure's denominator).
        members = self.totals["members"]
        ctx["per_member"] = round(float(ctx["total_hours"]) / members, 1) if members else None
        ctx["can_confirm"] = has_permission(self.request.user, "practice.change")
        ctx["confirm_form"] = ConfirmForm()
        # Each status's label translated once for the page, not looked up through the choices for every row.
        labels = {value: str(label) for value, label in ServiceStatus.choices}
        rows = list(ctx["object_list"])
        for r in rows:
            r.status_label = labels.get(r.status, r.status)
        ctx["object_list"] = rows
        if ctx.get("page_obj") is not None:
            ctx["page_obj"].object_list = rows
        return ctx


class ConfirmView(ScopedAction):
    model = VolunteerService
    scope_action = "change"

    def post(self, request, pk):
        service = self.get_object(pk)
        form = ConfirmForm(request.POST)
        nxt = request.POST.get("next") or ""
        if form.is_valid():
            try:
                services.confirm_service(
                    actor=request.user,
                    service=service,
                    confirmer=form.cleaned_data["confirmer"],
                    confirmed=form.cleaned_data["decision"] == "confirm",
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                for msg in error_messages(exc):
                    messages.error(request, msg)
            else:
                messages.success(request, _("The community's answer is recorded."))
        else:
            messages.error(request, _("Choose whether the community confirmed the service."))
        if nxt.startswith("/") and not nxt.startswith("//"):
            return redirect(nxt)
        return redirect("practice:service_list")


class MemberHoursView(ScopedMixin, PaginatedMixin, View):
    """Each member's service this year against the target, and the organisation's totals."""

    model = VolunteerService
    template_name = "practice/volunteerservice_members.html"
    paginate_by = 50

    def get(self, request):
        year = year_from(request)
        period = periods.parse(str(year))
        org, named = org_filter(request, "member.view")
        if named and org is None:
            raise Http404
        if org is None:
            grant = primary_grant(request.user)
            org = grant.organization if grant else None
        if org is None or not Organization.objects.visible_to(request.user, "member.view").filter(pk=org.pk).exists():
            raise Http404
        people = (
            Member.objects.visible_to(request.user)
            .party_members()
            .filter(organization__path__startswith=org.path)
            .select_related("residence")
            .only("id", "name", "organization_id", "residence__community", "residence__id", "residence__member_id")
            .order_by("name", "id")
        )
        page = self.paginate(people)
        totals = stats.member_totals([m.pk for m in page], period)
        conf = ServiceSettings.current()
        rows = [(m, *totals[m.pk], conf.meets(*totals[m.pk])) for m in page]
        served = stats.totals_of(people, period)
        summary = {
            "members": people.count(),
            "hours": sum((h for _n, h in served.values()), Decimal(0)),
            "activities": sum(n for n, _h in served.values()),
            "meeting": sum(1 for n, h in served.values() if conf.meets(n, h)),
            "registered": people.filter(residence__isnull=False).count(),
        }
        return render(
            request,
            self.template_name,
            {"org": org, "year": year, "page_obj": page, "rows": rows, "summary": summary, "settings": conf},
        )


class CommunityReportListView(ScopedMixin, PaginatedMixin, ListView):
    model = CommunityReport
    template_name = "practice/communityreport_list.html"

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization__unit").order_by("organization__path", "-reported_on")
        org, named = org_filter(self.request)
        if named:
            qs = in_subtree(qs, "organization", org) if org else qs.none()
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_report"] = has_permission(self.request.user, "practice.manage")
        return ctx


class CommunityReportCreateView(LoginRequiredMixin, FormView):
    form_class = CommunityReportForm
    template_name = "practice/communityreport_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "practice.manage"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"reported_on": periods.today()}

    def form_valid(self, form):
        try:
            services.report_unit(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The unit's report to the community is recorded."))
        return redirect("practice:community_report_list")


class ServiceExportView(ServiceListView):
    """The service records with the same filters, as Excel."""

    # Same queryset as the list (visible_to); the walk reads page bodies as text, so tests/practice/test_exports.py
    # checks this binary export\'s scope instead.
    scoped = False

    def get(self, request, *args, **kwargs):
        qs = self.get_queryset()
        return exports_common.response(exports.services_xlsx(qs, self.period), f"志愿服务{self.period.key}.xlsx")
