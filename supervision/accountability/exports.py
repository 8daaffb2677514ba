"""The round's results as an Excel workbook (openpyxl write-only; text cells never start a formula)."""

from __future__ import annotations

import io

from django.http import HttpResponse

from .models import ReviewRound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    """Text that a spreadsheet would read as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def round_workbook(rnd: ReviewRound) -> HttpResponse:
    from openpyxl import Workbook

    indicators = list(rnd.indicators.all())
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("述职评议结果")
    ws.append([_cell(rnd.title)])
    ws.append(
        ["排名", "党组织", "书记", "报告提交", "评议人数", "现场评议得分", "平时表现得分", "综合得分", "等次"]
        + [i.label for i in indicators]
    )
    reporters = rnd.reporters.select_related("organization", "secretary", "grade").order_by(
        "rank", "organization__path"
    )
    for r in reporters.iterator(chunk_size=500):
        values = r.record_figures or {}
        ws.append(
            [
                r.rank,
                _cell(r.organization.name),
                _cell(r.secretary.display_name if r.secretary else ""),
                r.filed_at.strftime("%Y-%m-%d") if r.filed_at else "",
                r.ratings_count,
                None if r.live_score is None else float(r.live_score),
                None if r.record_score is None else float(r.record_score),
                None if r.total_score is None else float(r.total_score),
                _cell(r.grade.name if r.grade else ""),
            ]
            + [values.get(i.metric) for i in indicators]
        )
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="review-round-{rnd.pk}.xlsx"'
    return response
