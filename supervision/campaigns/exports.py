"""Campaign entries and brand projects as Excel workbooks, through the one Excel layer
(``branches.documents.xlsx``: formulas neutralised, local dates, print setup)."""

from __future__ import annotations

from django.http import HttpResponse

from branches.documents import xlsx


def _response(book, filename) -> HttpResponse:
    response = HttpResponse(book.bytes(), content_type=xlsx.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def campaign_workbook(campaign, entries) -> HttpResponse:
    book = xlsx.Book()
    ws = book.sheet(
        "模范机关创建",
        ["单位党组织", "状态", "申报时间", "评估得分", "称号", "命名时间", "复查日期", "撤销时间"],
        title=campaign.title,
        title_row=True,
    )
    for e in entries.iterator(chunk_size=500):
        ws.append(
            [
                e.organization.name,
                str(e.get_status_display()),
                e.applied_at,
                None if e.score is None else float(e.score),
                str(e.get_title_display()) if e.title else "",
                e.named_at,
                e.recheck_due,
                e.revoked_at,
            ]
        )
    return _response(book, f"campaign-{campaign.pk}.xlsx")


def brands_workbook(brands) -> HttpResponse:
    book = xlsx.Book()
    ws = book.sheet(
        "一支部一品牌",
        ["年度", "党支部", "品牌名称", "主题", "创建理念", "主要举措", "预期成效", "创建成效", "状态", "单位评分"],
        title="一支部一品牌",
    )
    for b in brands.iterator(chunk_size=500):
        ws.append(
            [
                b.year,
                b.organization.name,
                b.name,
                b.theme.name,
                b.idea,
                b.measures,
                b.expected_results,
                b.results,
                str(b.get_status_display()),
                None if b.unit_score is None else float(b.unit_score),
            ]
        )
    return _response(book, "brands.xlsx")
