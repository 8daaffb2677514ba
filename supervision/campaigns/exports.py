"""Campaign entries and brand projects as Excel workbooks (openpyxl write-only; text never starts a formula)."""

from __future__ import annotations

import io

from django.http import HttpResponse

from ..accountability.exports import XLSX, _cell


def _response(wb, filename):
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def campaign_workbook(campaign, entries) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("模范机关创建")
    ws.append([_cell(campaign.title)])
    ws.append(["单位党组织", "状态", "申报时间", "评估得分", "称号", "命名时间", "复查日期", "撤销时间"])
    for e in entries.iterator(chunk_size=500):
        ws.append(
            [
                _cell(e.organization.name),
                str(e.get_status_display()),
                e.applied_at.strftime("%Y-%m-%d"),
                None if e.score is None else float(e.score),
                str(e.get_title_display()) if e.title else "",
                e.named_at.strftime("%Y-%m-%d") if e.named_at else "",
                e.recheck_due,
                e.revoked_at.strftime("%Y-%m-%d") if e.revoked_at else "",
            ]
        )
    return _response(wb, f"campaign-{campaign.pk}.xlsx")


def brands_workbook(brands) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("一支部一品牌")
    ws.append(
        ["年度", "党支部", "品牌名称", "主题", "创建理念", "主要举措", "预期成效", "创建成效", "状态", "单位评分"]
    )
    for b in brands.iterator(chunk_size=500):
        ws.append(
            [
                b.year,
                _cell(b.organization.name),
                _cell(b.name),
                _cell(b.theme.name),
                _cell(b.idea),
                _cell(b.measures),
                _cell(b.expected_results),
                _cell(b.results),
                str(b.get_status_display()),
                None if b.unit_score is None else float(b.unit_score),
            ]
        )
    return _response(wb, "brands.xlsx")
