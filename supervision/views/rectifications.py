"""Rectification pages: lists with their figures, detail, actions, extensions."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Prefetch, When
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from branches import periods
from branches.mixins import PaginatedMixin, ScopedMixin

from .. import services
from ..actions import RECT_ACTIONS
from ..calendar import WorkCalendar
from ..forms import (
    ExtensionForm,
    PlanForm,
    ProgressForm,
    RecheckForm,
)
from ..models import (
    DeadlineExtension,
    Rectification,
)
from ..querysets import closed_in, closed_on_time, late_by, open_on, overdue_on
from .common import _error_text

# ---------------------------------------------------------------- rectifications


def annotate_overdue(rects, today, cal):
    for r in rects:
        r.deadline_now = r.deadline_on(today, cal)  # the paused clock counted
        r.overdue_days = cal.working_days_between(r.deadline_now, today) if r.is_open else 0
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

    org = (
        Organization.objects.filter(pk=value).only("id", "name", "path").with_labels().first()
        if value.isdigit()
        else None
    )
    if org is not None:
        visible = Organization.objects.visible_to(user, "supervision.view").filter(pk=org.pk).exists()
        org.shown_name = org.label if visible else _("the chosen organisation")
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
            .select_related("owner_org__unit", "finding__category")
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
            qs = qs.filter(overdue_on(self.on, cutoff)) if self.on else qs.open().filter(late_by(cutoff))
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
            .select_related("owner_org__unit", "owner_person", "finding__category", "finding__target__task")
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
    from ..models import ProgressReport

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
