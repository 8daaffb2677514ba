"""The overview, the collection list behind the figures, and a member's own dues."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from branches import periods
from branches.mixins import breadcrumbs_for
from branches.models import Member

from .. import collection
from ..ledger import ZERO, add_months, first_of, member_ledger
from ..models import Payment
from .common import can, org_from, period_from


class HomeView(LoginRequiredMixin, View):
    """Collection rate per month of the year for one organisation's subtree, and the way to every task."""

    scoped = True
    model = Payment

    def get(self, request):
        if not can(request, "dues.view"):
            return MineView.as_view()(request)  # a member's dues page is their own
        org = org_from(request)
        year = period_from(request, "year")
        year = periods.period_containing("year", year.start)
        months = []
        month = periods.period_containing("month", year.start)
        while month.start <= year.end:
            months.append(month)
            month = month.next()
        # One pass over the year, then the months from the same lines (kept between views: ``month_counts``).
        span = collection.period_months(year)
        per_month, taken_at = collection.month_counts(org, span) if span else ({}, None)
        rows = []
        for m in months:
            settled, owed = per_month.get(m.start, (0, 0))
            rows.append({"period": m, "settled": settled, "owed": owed, "rate": collection.rate(settled, owed)})
        ctx = {
            "org": org,
            "year": year,
            "rows": rows,
            "taken_at": taken_at,
            "kept_minutes": collection.FIGURES.minutes(),
            "previous_year": year.previous(),
            "next_year": year.next(),
            "without_base": collection.without_base_count(org),
            "can_change": can(request, "dues.change"),
            "can_approve": can(request, "dues.approve"),
            "breadcrumbs": breadcrumbs_for(request.user, org),
        }
        return render(request, "dues/dues_home.html", ctx)


class CollectionView(LoginRequiredMixin, View):
    """Every member-month owing dues in the period: the list behind ``dues.collection_rate``."""

    scoped = True
    model = Payment

    def get(self, request):
        org = org_from(request)
        period = period_from(request)
        unpaid = request.GET.get("unpaid") == "1"
        rows = collection.rows(org, period)
        settled = sum(1 for r in rows if r.line.settled)
        shown = [r for r in rows if not r.line.settled] if unpaid else rows
        page = Paginator(shown, 50).get_page(request.GET.get("page"))
        ctx = {
            "org": org,
            "period": period,
            "page_obj": page,
            "owed": len(rows),
            "settled": settled,
            "rate": collection.rate(settled, len(rows)),
            "unpaid": unpaid,
            "count": len(shown),
            "can_change": can(request, "dues.change"),
        }
        return render(request, "dues/collection_list.html", ctx)


class MineView(LoginRequiredMixin, View):
    """A member's own dues: what is owed month by month and every payment."""

    def get(self, request):
        member = Member.objects.filter(user=request.user).defer("id_number", "phone").first()
        today = timezone.localdate()
        lines, payments = [], []
        if member:
            last = first_of(today)
            lines = list(reversed(member_ledger(member, add_months(last, -11), last)))
            payments = list(
                Payment.objects.filter(member=member).only(
                    "id", "month", "amount", "kind", "method", "paid_on", "receipt_no", "reverses_id"
                )[:60]
            )
        owed = sum((line.owed for line in lines if line.month < first_of(today)), start=ZERO)
        return render(
            request, "dues/dues_mine.html", {"member": member, "lines": lines, "payments": payments, "owed": owed}
        )
