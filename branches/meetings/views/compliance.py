"""Compliance: one organisation's card, the matrix over a subtree and the missing meetings."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from ... import periods
from ...access import has_permission
from ...mixins import PaginatedMixin, ScopedMixin, breadcrumbs_for
from ...models import (
    Meeting,
    Organization,
)
from .. import compliance
from .common import OrgScopedMixin, _period_from

LIST_PAGE = 50  # rows a page of the missing and the still-due lists


class ComplianceCardView(OrgScopedMixin, View):
    def get(self, request, org):
        organization = self.get_org()
        today = periods.today()
        cards = compliance.card(organization, today=today)
        fixes = compliance.fixes(organization, cards)
        ctx = {
            "org": organization,
            "cards": cards,
            "fixes": fixes,
            "breadcrumbs": breadcrumbs_for(request.user, organization) + [organization],
            "can_plan": Organization.objects.visible_to(request.user, "meeting.change")
            .filter(pk=organization.pk)
            .exists(),
        }
        return render(request, "meetings/compliance_card.html", ctx)


def _cell(col, oc) -> dict:
    """One matrix cell, its figures taken once (``status`` and ``missing`` each walk the slots)."""
    missing = oc.missing
    return {"key": col.key, "label": col.label, "status": oc.status, "missing": missing}


class ComplianceMatrixView(ScopedMixin, PaginatedMixin, View):
    """Organisations × periods over the user's subtree (fixed query count)."""

    model = Meeting

    def get(self, request):
        if not has_permission(request.user, "meeting.compliance"):
            raise Http404
        year = request.GET.get("year", "")
        today = periods.today()
        year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year
        granularity = request.GET.get("by", "month")
        if granularity not in ("month", "quarter"):
            granularity = "month"
        cols, p = [], periods.period_containing(granularity, datetime.date(year, 1, 1))
        while p.start.year == year:
            cols.append(p)
            p = p.next()
        orgs_qs = Organization.objects.visible_to(request.user, "meeting.compliance").filter(is_active=True)
        kind = request.GET.get("kind", "branch")
        if kind in ("branch", "general_branch", "party_committee"):
            orgs_qs = orgs_qs.filter(kind=kind)
        q = request.GET.get("q", "").strip()
        if q:
            orgs_qs = orgs_qs.filter(name__icontains=q)
        page = self.paginate(
            orgs_qs.select_related("unit")
            .order_by("path")
            .only("id", "name", "kind", "path", "unit__name")
            .with_labels()
        )
        orgs = list(page.object_list)
        data = compliance.compute(
            orgs, cols + [periods.period_containing("year", datetime.date(year, 1, 1))], today=today
        )
        rows = [
            {
                "org": o,
                "cells": [_cell(c, data[(o.pk, c.key)]) for c in cols],
                "year": data[(o.pk, str(year))],
            }
            for o in orgs
        ]
        ctx = {
            "rows": rows,
            "cols": cols,
            "year": year,
            "by": granularity,
            "kind": kind,
            "q": q,
            "page_obj": page,
            "years": list(range(today.year - 2, today.year + 1)),
            "missing_url": reverse("meetings:missing_list"),
        }
        return render(request, "meetings/compliance_matrix.html", ctx)


class MissingListView(ScopedMixin, View):
    """The required meetings not held in a period over an organisation's subtree (metric drill-down).

    Counted as ``meetings.missing_count`` counts (slots whose period has ended without the meeting); the slots
    still due are listed apart, and the held / missing totals give ``meetings.compliance_rate``.
    """

    model = Meeting

    def get(self, request):
        period = _period_from(request, "month")
        orgs = Organization.objects.visible_to(request.user, "meeting.view")
        if request.GET.get("org"):
            root = orgs.filter(pk=request.GET["org"]).first() if request.GET["org"].isdigit() else None
            orgs = orgs.filter(path__startswith=root.path) if root else orgs.none()
        # Every organisation of the subtree (a province has 5,400): the figures must equal the dashboard's;
        # the lists below are paged instead.
        orgs = list(orgs.filter(is_active=True).order_by("path").only("id", "name", "kind", "path").with_labels())
        data = compliance.compute(orgs, [period])
        missing, due, held = [], [], 0
        for o in orgs:
            for slot in data[(o.pk, period.key)].slots:
                if slot.status == compliance.MISSING:
                    missing.append({"org": o, "slot": slot})
                elif slot.status == compliance.DUE:
                    due.append({"org": o, "slot": slot})
                else:
                    held += 1
        return render(
            request,
            "meetings/missing_list.html",
            {
                "rows": Paginator(missing, LIST_PAGE).get_page(request.GET.get("page")),
                "due_rows": Paginator(due, LIST_PAGE).get_page(request.GET.get("due_page")),
                "missing_count": len(missing),
                "due_count": len(due),
                "held": held,
                "owed": held + len(missing),
                "period": period,
                "org_id": request.GET.get("org", ""),
            },
        )
