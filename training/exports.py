"""Excel exports of study progress (openpyxl)."""

from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _response(wb: Workbook, filename: str) -> HttpResponse:
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _safe(value):
    """Neutralise spreadsheet formulas in text cells."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def matrix_workbook(org, year, modules, rows) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    ws.title = str(year)
    header = [_("Name"), *[_safe(m.title) for m in modules], _("Study hours")]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    state_labels = {
        "done": _("Done"),
        "open": pgettext("training", "In progress"),
        "overdue": _("Overdue"),
        "none": "—",
    }
    for r in rows:
        ws.append([_safe(r["member"].name), *[state_labels[s] for s in r["cells"]], float(r["hours"])])
    return _response(wb, f"study-matrix-{org.pk}-{year}.xlsx")


def overview_workbook(parent, year, rows) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    ws.title = str(year)
    ws.append(
        [_("Party organisation"), _("Assignments due"), _("Completed"), _("Completion rate (%)"), _("Hours per member")]
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([_safe(r["org"].name), r["due"], r["done"], r["rate"], r["hours"]])
    return _response(wb, f"study-overview-{parent.pk if parent else 0}-{year}.xlsx")
