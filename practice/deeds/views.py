"""Pages of 我为群众办实事. Every page fetches through ``visible_to``; views call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches import periods
from branches.access import has_permission, primary_grant
from branches.mixins import PaginatedMixin, ScopedMixin, breadcrumbs_for
from branches.models import Organization
from branches.querysets import in_subtree

from .. import exports as exports_common
from ..common import ScopedAction, error_messages, org_filter, year_from
from . import exports, services, stats
from .forms import DeedForm, ProgressForm
from .models import Deed, DeedStatus


class DeedListView(ScopedMixin, PaginatedMixin, ListView):
    """The items of a year under an organisation; ``?status=overdue`` for the late ones."""

    model = Deed
    template_name = "practice/deed_list.html"
    paginate_by = 30

    def get_queryset(self):
        self.year = year_from(self.request)
        today = periods.today()
        qs = (
            super()
            .get_queryset()
            .select_related("organization__unit", "responsible_person")
            .only(
                "id",
                "title",
                "deadline",
                "status",
                "published_at",
                "year",
                "organization__id",
                "organization__name",
                "organization__depth",
                "organization__unit__name",
                "responsible_person__id",
                "responsible_person__name",
            )
            .filter(year=self.year)
            .order_by("deadline", "id")
        )
        org, named = org_filter(self.request)
        if named:
            qs = in_subtree(qs, "organization", org) if org else qs.none()
        status = self.request.GET.get("status")
        if status in DeedStatus.values:
            qs = qs.filter(status=status)
        elif status == "overdue":
            qs = qs.exclude(status=DeedStatus.DONE).filter(deadline__lt=today)
        if self.request.GET.get("q"):
            qs = qs.filter(title__icontains=self.request.GET["q"].strip())
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["summary"] = self.object_list.aggregate(
            total=Count("id"), done=Count("id", filter=Q(status=DeedStatus.DONE))
        )
        ctx["year"] = self.year
        ctx["today"] = periods.today()
        ctx["f"] = self.request.GET
        ctx["statuses"] = DeedStatus.choices
        ctx["can_create"] = has_permission(self.request.user, "practice.change")
        return ctx


class DeedCreateView(LoginRequiredMixin, FormView):
    form_class = DeedForm
    template_name = "practice/deed_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "practice.change"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            deed = services.create_deed(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            for msg in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                form.add_error(None, msg)
            return self.form_invalid(form)
        messages.success(self.request, _("The item is added to the list."))
        return redirect("practice:deed_detail", deed.pk)


class DeedDetailView(ScopedMixin, DetailView):
    model = Deed
    template_name = "practice/deed_detail.html"
    context_object_name = "deed"

    def get_base_queryset(self):
        return Deed.objects.select_related("organization", "responsible_organization", "responsible_person")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        d, user = self.object, self.request.user
        ctx["breadcrumbs"] = breadcrumbs_for(user, d.organization) + [d.organization]
        ctx["can_change"] = Deed.objects.visible_to(user, "change").filter(pk=d.pk).exists()
        ctx["can_publish"] = Deed.objects.visible_to(user, "manage").filter(pk=d.pk).exists()
        ctx["overdue"] = d.is_overdue(periods.today())
        ctx["form"] = ProgressForm(initial={"status": d.status, "result": d.result, "satisfaction": d.satisfaction})
        return ctx


class DeedProgressView(ScopedAction):
    model = Deed
    scope_action = "change"

    def post(self, request, pk):
        deed = self.get_object(pk)
        form = ProgressForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for msg in errors:
                    messages.error(request, msg)
            return redirect("practice:deed_detail", pk)
        try:
            services.update_deed(actor=request.user, deed=deed, **form.cleaned_data)
        except ValidationError as exc:
            for msg in error_messages(exc):
                messages.error(request, msg)
        else:
            messages.success(request, _("The item's progress is saved."))
        return redirect("practice:deed_detail", pk)


class DeedPublishView(ScopedAction):
    model = Deed
    scope_action = "manage"

    def post(self, request, pk):
        deed = self.get_object(pk)
        try:
            services.publish_deed(actor=request.user, deed=deed, publish=request.POST.get("publish") != "0")
        except ValidationError as exc:
            for msg in error_messages(exc):
                messages.error(request, msg)
        else:
            messages.success(request, _("The showcase is updated."))
        return redirect("practice:deed_detail", pk)


class CompletionView(ScopedMixin, View):
    """Completion by unit: each organisation directly under the chosen one, with its subtree's items."""

    model = Deed
    template_name = "practice/deed_completion.html"

    def get(self, request):
        year = year_from(request)
        org, named = org_filter(request)
        if named and org is None:
            raise Http404
        if org is None:  # a named organisation is already one the user may see (org_filter)
            grant = primary_grant(request.user)
            org = grant.organization if grant else None
            visible = Organization.objects.visible_to(request.user, "practice.view")
            if org is None or not visible.filter(pk=org.pk).exists():
                raise Http404
        children = list(
            Organization.objects.filter(parent=org, is_active=True).exclude(kind="group").only("id", "name", "path")
        )
        data = stats.counts([org, *children], year)
        rows = [(c, data[c.pk]) for c in children]
        rows.sort(key=lambda r: (r[1]["done"] / r[1]["total"]) if r[1]["total"] else 2)
        return render(request, self.template_name, {"org": org, "year": year, "total": data[org.pk], "rows": rows})


class ShowcaseView(LoginRequiredMixin, PaginatedMixin, View):
    """Completed items with their results that a unit chose to show: open to everyone signed in."""

    template_name = "practice/deed_showcase.html"
    paginate_by = 20

    def get(self, request):
        qs = (
            Deed.objects.filter(published_at__isnull=False, status=DeedStatus.DONE)
            .select_related("organization")
            .only("id", "title", "problem", "result", "satisfaction", "completed_on", "organization__name")
            .order_by("-published_at", "-id")
        )
        return render(request, self.template_name, {"page_obj": self.paginate(qs)})


class DeedExportView(DeedListView):
    """The list with the same filters, as Excel."""

    # Same queryset as the list (visible_to); the walk reads page bodies as text, so tests/practice/test_exports.py
    # checks this binary export\'s scope instead.
    scoped = False

    def get(self, request, *args, **kwargs):
        qs = self.get_queryset().select_related("responsible_organization").only(*DEED_EXPORT_FIELDS)
        return exports_common.response(exports.deeds_xlsx(qs, self.year), f"我为群众办实事{self.year}.xlsx")


DEED_EXPORT_FIELDS = (
    "id",
    "title",
    "problem",
    "deadline",
    "status",
    "result",
    "satisfaction",
    "completed_on",
    "organization__id",
    "organization__name",
    "organization__depth",
    "organization__unit",
    "organization__unit__name",
    "responsible_person__id",
    "responsible_person__name",
    "responsible_organization__id",
    "responsible_organization__name",
)
