"""Dashboard pages: thin views over ``portal.dashboards`` (which reads only snapshots)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import DetailView

from branches.mixins import ScopedMixin, breadcrumbs_for
from branches.models import Organization
from branches.periods import parse, period_containing

from . import figures, snapshots

PERIOD_KINDS = ("month", "quarter", "year")


def _period(request, today):
    key = request.GET.get("period", "").strip()
    if key:
        try:
            return parse(key)
        except (ValueError, TypeError):
            pass
    kind = request.GET.get("kind", snapshots.DEFAULT_PERIOD_KIND)
    return period_containing(kind if kind in PERIOD_KINDS else snapshots.DEFAULT_PERIOD_KIND, today)


@login_required
def dashboard_home(request):
    """The caller's own dashboard: the top organisation of their grants."""
    org = figures.root_for(request.user)
    if org is None:
        raise Http404
    return redirect("dashboards:org", pk=org.pk)


class OrgDashboardMixin(ScopedMixin):
    model = Organization
    scope_action = "dashboard.view"

    def get_base_queryset(self):
        return Organization.objects.only("id", "name", "path", "kind", "parent_id", "depth").with_labels()

    show_all = False

    def board(self, refreshed_at=False):
        today = timezone.localdate()
        period = _period(self.request, today)
        limit = None if (self.show_all or self.request.GET.get("all")) else snapshots.RANKING_LIMIT
        return figures.dashboard_for(
            self.object,
            period,
            today=today,
            ranking=self.request.GET.get("rank"),
            limit=limit,
            refreshed_at=refreshed_at,
        )


class DashboardView(OrgDashboardMixin, DetailView):
    """The page. Its figures are cached as rendered HTML (``{% cache %}`` in the template) for the
    organisation, period, ranking, day and language, under ``snapshots.generation()``: the board is only
    computed when that fragment is not cached yet. Everything personal (menu, breadcrumbs) stays outside."""

    template_name = "portal/dashboard_detail.html"
    context_object_name = "org"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        refreshed_at = snapshots.last_refresh()
        ctx.update(
            board=SimpleLazyObject(lambda: self.board(refreshed_at)),
            period=_period(self.request, today),
            refreshed_at=refreshed_at,
            page_cache=snapshots.page_cache_seconds() if refreshed_at else 0,
            page_version=snapshots.page_version(refreshed_at, today, bool(self.request.GET.get("all"))),
            breadcrumbs=breadcrumbs_for(self.request.user, self.object),
            period_choices=snapshots.period_choices(today),
            rank=self.request.GET.get("rank", ""),
        )
        return ctx


class DashboardChartsView(OrgDashboardMixin, DetailView):
    """JSON for the charts; scoped exactly like the page."""

    def render_to_response(self, context, **kwargs):
        board = self.board()
        return JsonResponse(figures.chart_payload(board), json_dumps_params={"ensure_ascii": False})


class DashboardExportView(OrgDashboardMixin, DetailView):
    """Every table of the dashboard as an Excel workbook (all sub-organisations)."""

    show_all = True

    def render_to_response(self, context, **kwargs):
        from branches.documents import xlsx

        board = self.board()
        book = xlsx.Book()
        options = {"organization": board.org.name, "title": f"{board.org.name} {board.period.label}"}
        ws = book.sheet(
            _("Headline figures"),
            [
                _("Organisation name"),
                pgettext("dashboards", "Period"),
                _("Figure"),
                _("Value"),
                _("Unit"),
                _("Same period last year"),
            ],
            **options,
        )
        for f in board.headline:
            ws.append([board.org.name, board.period.label, f.label, f.value, f.unit, f.last_year])
        if board.ranking_metric is not None:
            ws = book.sheet(
                _("Ranking"), [_("Organisation name")] + [str(m.label) for m in board.ranking_columns], **options
            )
            for row in board.ranking:
                ws.append([row["org"].label] + [f.value for f in row["figures"]])
        if board.heatmap:
            ws = book.sheet(
                _("Monthly compliance"), [_("Organisation name")] + [m.label for m in board.heatmap_months], **options
            )
            for row in board.heatmap:
                ws.append([row["org"].label] + [c.value for c in row["cells"]])
        if board.grades and board.grades["items"]:
            ws = book.sheet(_("Grade distribution"), [_("Grade"), _("Branches")], **options)
            for g in board.grades["items"]:
                ws.append([g["label"], g["value"]])
        if board.radar and board.radar["items"]:
            ws = book.sheet(
                _("Average score by dimension"), [_("Dimension"), _("Average score"), _("Maximum score")], **options
            )
            for d in board.radar["items"]:
                ws.append([d["label"], d["value"], d["max"]])
        if board.burndown and board.burndown["rows"]:
            ws = book.sheet(
                _("Rectifications by month"),
                [
                    pgettext("dashboards", "Month"),
                    _("Open at month end"),
                    _("Closed in the month"),
                    _("Closed on time (%)"),
                ],
                **options,
            )
            for r in board.burndown["rows"]:
                ws.append([r["period"].label, r["open"], r["closed"], r["on_time"]])
        if board.structure:
            ws = book.sheet(_("Member structure"), [_("Dimension"), _("Group"), _("Members")], **options)
            for dim in board.structure:
                for b in dim["buckets"]:
                    ws.append([dim["title"], b["label"], b["value"]])
        return book.response(f"dashboard-{board.org.pk}-{board.period.key}.xlsx")


class AnnualSummaryView(OrgDashboardMixin, DetailView):
    """A page designed for print / PDF: the year's figures for the organisation."""

    template_name = "portal/dashboard_annual.html"
    context_object_name = "org"
    show_all = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", today.year))
            period = period_containing("year", today.replace(year=year, month=1, day=1))
        except (TypeError, ValueError):
            period = period_containing("year", today)
        ctx["board"] = figures.dashboard_for(self.object, period, today=today, limit=None)
        ctx["generated_at"] = timezone.now()
        return ctx


class AnnualSummaryDocumentView(AnnualSummaryView):
    """The annual summary as .docx or PDF (the document layer), every column of the ranking included."""

    fmt = "docx"

    def render_to_response(self, context, **kwargs):
        from branches.documents import respond

        from ..documents import annual_summary_document

        fmt = self.fmt
        board = context["board"]
        doc = annual_summary_document(self.object, board)
        return respond(doc, fmt, f"{self.object.name}-{board.period.start.year}年度党建工作情况")


@login_required
def bench_floor(request):
    """The framework floor for the benchmark: same middleware, session and login, no work (DEBUG/BENCH only)."""
    return HttpResponse("<!doctype html><title>floor</title><p>ok</p>")
