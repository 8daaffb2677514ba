"""Excel exports of the practice lists: openpyxl write-only workbooks, one row per record, rows read with
``iterator()`` (memory stays flat). Text that a spreadsheet would read as a formula is written as text."""

from __future__ import annotations

import io

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def workbook(title: str, head: list[str], rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append(head)
    for i, row in enumerate(rows, start=1):
        ws.append([i, *(cell(v) for v in row)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def response(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    r = HttpResponse(content, content_type=XLSX)
    r["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return r
