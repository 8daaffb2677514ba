"""The round's results as an Excel workbook, through the one Excel layer (``branches.documents.xlsx``)."""

from __future__ import annotations

from django.http import HttpResponse

from .models import ReviewRound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def round_workbook(rnd: ReviewRound) -> HttpResponse:
    from branches.documents import xlsx

    indicators = list(rnd.indicators.all())
    book = xlsx.Book()
    ws = book.sheet(
        "述职评议结果",
        ["排名", "党组织", "书记", "报告提交", "评议人数", "现场评议得分", "平时表现得分", "综合得分", "等次"]
        + [i.label for i in indicators],
        title=rnd.title,
        title_row=True,
    )
    reporters = rnd.reporters.select_related("organization", "secretary", "grade").order_by(
        "rank", "organization__path"
    )
    for r in reporters.iterator(chunk_size=500):
        values = r.record_figures or {}
        ws.append(
            [
                r.rank,
                (r.organization.name),
                (r.secretary.display_name if r.secretary else ""),
                r.filed_at.strftime("%Y-%m-%d") if r.filed_at else "",
                r.ratings_count,
                None if r.live_score is None else float(r.live_score),
                None if r.record_score is None else float(r.record_score),
                None if r.total_score is None else float(r.total_score),
                (r.grade.name if r.grade else ""),
            ]
            + [values.get(i.metric) for i in indicators]
        )
    response = HttpResponse(book.bytes(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="review-round-{rnd.pk}.xlsx"'
    return response
