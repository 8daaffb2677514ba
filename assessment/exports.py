"""Excel exports of score cards and cycle results (openpyxl)."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import effective_score


def _bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def scorecard_xlsx(assessment, results, dims, total) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Score card")
    ws.append([str(assessment.organization), assessment.cycle.name])
    ws.append([pgettext("assessment", "Total"), float(total or 0), _("Grade"), str(assessment.grade or "—")])
    ws.append([])
    header = [_("Dimension"), _("Code"), _("Indicator"), _("Max score"), _("Self-score"), _("Review score"), _("Score")]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for d in dims:
        for r in d["results"]:
            ws.append(
                [
                    d["dimension"].name,
                    r.indicator.code,
                    r.indicator.name,
                    float(r.indicator.max_score),
                    _num(r.self_score),
                    _num(r.review_score),
                    _num(effective_score(r)),
                ]
            )
    ws.column_dimensions["C"].width = 40
    return _bytes(wb)


def cycle_xlsx(cycle, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Results")
    ws.append([cycle.name])
    ws.append(
        [
            _("Parent organisation"),
            _("Branch"),
            _("Status"),
            _("Self-score"),
            _("Review score"),
            _("Final score"),
            _("Grade"),
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for a in rows:
        ws.append(
            [
                a.organization.parent.name if a.organization.parent else "",
                a.organization.name,
                a.get_status_display(),
                _num(a.self_total),
                _num(a.review_total),
                _num(a.final_total),
                str(a.grade) if a.grade else "",
            ]
        )
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 30
    return _bytes(wb)


def _num(value):
    return float(value) if value is not None else None
