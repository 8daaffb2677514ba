"""Progress: the branch matrix (members × items) and the committee's overview."""

from __future__ import annotations

from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from branches.mixins import PaginatedMixin, ScopedMixin, breadcrumbs_for
from branches.models import Member, Organization

from .. import exports, metrics
from ..models import (
    Assignment,
    HoursEntry,
)
from .common import _overview_period, _year


def branch_matrix_data(org: Organization, year: int, members=None):
    """People × modules of an organisation's subtree in a fixed number of queries.

    ``members``: the people to show (e.g. one page); default everyone active in the subtree.
    """
    if members is None:
        members = list(matrix_members(org))
    ids = [m.pk for m in members]
    assignments = list(
        Assignment.objects.filter(member_id__in=ids, module__year=year)
        .select_related("module")
        .only("pk", "member_id", "module_id", "module__title", "completed_at", "due_date")
    )
    modules = sorted({a.module_id: a.module for a in assignments}.values(), key=lambda m: m.pk)
    cells = {(a.member_id, a.module_id): a for a in assignments}
    hours = dict(
        HoursEntry.objects.filter(member_id__in=ids, year=year)
        .values("member_id")
        .annotate(h=Sum("hours"))
        .values_list("member_id", "h")
    )
    today = timezone.localdate()
    rows = []
    for m in members:
        row_cells = []
        overdue = False
        for mod in modules:
            a = cells.get((m.pk, mod.pk))
            state = "none"
            if a is not None:
                if a.completed_at:
                    state = "done"
                elif a.due_date and a.due_date < today:
                    state, overdue = "overdue", True
                else:
                    state = "open"
            row_cells.append(state)
        rows.append({"member": m, "cells": row_cells, "hours": hours.get(m.pk) or 0, "overdue": overdue})
    return modules, rows


def matrix_members(org: Organization):
    return (
        Member.objects.filter(organization__path__startswith=org.path)
        .active()
        .only("pk", "name", "organization_id", "user_id")
        .order_by("organization__path", "name", "pk")
    )


class BranchMatrixView(ScopedMixin, PaginatedMixin, DetailView):
    model = Organization
    paginate_by = 100
    scope_action = "study.view_progress"
    template_name = "training/branch_matrix.html"
    context_object_name = "org"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        year = _year(request)
        if request.GET.get("format") == "xlsx":
            modules, rows = branch_matrix_data(self.object, year)
            return exports.matrix_workbook(self.object, year, modules, rows)
        page = self.paginate(matrix_members(self.object))
        modules, rows = branch_matrix_data(self.object, year, list(page.object_list))
        overdue = (
            Assignment.objects.filter(
                member__in=matrix_members(self.object),
                module__year=year,
                completed_at__isnull=True,
                due_date__lt=timezone.localdate(),
            )
            .values("member_id")
            .distinct()
            .count()
        )
        ctx = self.get_context_data(
            year=year,
            modules=modules,
            rows=rows,
            page_obj=page,
            overdue_count=overdue,
            breadcrumbs=breadcrumbs_for(request.user, self.object),
        )
        return self.render_to_response(ctx)


class CommitteeOverviewView(ScopedMixin, PaginatedMixin, TemplateView):
    """Completion and hours per organisation, one level below the chosen one: the total first, then a page of
    the organisations below (a province's committee has 400 units under it; the export lists them all)."""

    model = Organization
    scope_action = "study.view_progress"
    template_name = "training/committee_overview.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        visible = Organization.objects.visible_to(request.user, "study.view_progress")
        org_id = request.GET.get("org")
        parent = None
        if org_id:
            try:
                parent = visible.filter(pk=int(org_id)).first()
            except ValueError:
                parent = None
            if parent is None:
                raise Http404
        if parent is None:
            tops = list(visible.order_by("depth", "path")[:1])
            parent = tops[0] if tops else None
        period = _overview_period(request)
        year = period.start.year
        rows, taken_at, page = [], None, None
        export = request.GET.get("format") == "xlsx"
        if parent is not None:
            children = visible.filter(parent=parent).exclude(kind="group").order_by("order", "name", "pk")
            if export:
                children = list(children)
            else:
                page = self.paginate(children)
                children = list(page.object_list)
            orgs = [parent, *children]
            (counts, hours), taken_at = metrics.overview_figures(orgs, period)
            for o in orgs:
                done, due = counts.get(o.pk, (0, 0))
                rows.append(
                    {
                        "org": o,
                        "done": done,
                        "due": due,
                        "rate": round(100 * done / due, 1) if due else None,
                        "hours": hours.get(o.pk),
                        "is_parent": o.pk == parent.pk,
                    }
                )
        if export:
            return exports.overview_workbook(parent, year, rows)
        ctx = self.get_context_data(
            page_obj=page,
            parent=parent,
            year=year,
            period=period,
            rows=rows,
            taken_at=taken_at,
            kept_minutes=metrics.FIGURES.minutes(),
            breadcrumbs=breadcrumbs_for(request.user, parent) if parent else [],
        )
        return self.render_to_response(ctx)
