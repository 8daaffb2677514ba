"""The meeting ledger (组织生活台账): as Excel, and as a page that prints on landscape A4 with every column."""

from __future__ import annotations

from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from ...mixins import breadcrumbs_for
from ...models import MeetingStatus
from .. import exports
from .common import OrgScopedMixin, _period_from


class LedgerMixin(OrgScopedMixin):
    """The ledger's meetings: the organisation's subtree in a period (a year by default), cancelled left out."""

    def ledger(self, request):
        organization = self.get_org()
        p = _period_from(request, "year")
        qs = (
            self.get_queryset()
            .filter(organization__path__startswith=organization.path)
            .filter(start__gte=p.start_datetime(), start__lt=p.end_datetime())
            .exclude(status=MeetingStatus.CANCELLED)
        )
        return organization, p, qs


class LedgerView(LedgerMixin, View):
    """The meeting ledger (台账) of an organisation and its subtree, as Excel."""

    def get(self, request, org):
        organization, p, qs = self.ledger(request)
        data = exports.ledger_xlsx(qs, p, organization)
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote(f'组织生活台账-{organization.name}-{p.key}.xlsx')}"
        )
        return response


LEDGER_PAGE = 500  # lines a page of the printable ledger


class LedgerPageView(LedgerMixin, View):
    """The same lines as the Excel ledger, for the organisation's subtree and a year (or any period).

    A branch's year is a few dozen lines; a city's is 18,000 and a province's 100,000, so the page shows
    ``LEDGER_PAGE`` at a time, numbered on from the page before, and the Excel file holds them all.
    """

    def get(self, request, org):
        organization, p, qs = self.ledger(request)
        page = Paginator(exports.ledger_queryset(qs), LEDGER_PAGE).get_page(request.GET.get("page"))
        rows = [exports.ledger_row(i, m) for i, m in enumerate(page.object_list, start=page.start_index())]
        ctx = {
            "org": organization,
            "period": p,
            "head": exports.LEDGER_HEAD,
            "rows": rows,
            "page_obj": page,
            "breadcrumbs": breadcrumbs_for(request.user, organization) + [organization],
        }
        return render(request, "meetings/meeting_ledger.html", ctx)
