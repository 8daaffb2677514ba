"""Excel exports of the practice lists: openpyxl write-only workbooks, one row per record, rows read with
``iterator()`` (memory stays flat). Written through ``branches.documents.xlsx``."""

from __future__ import annotations

from django.http import HttpResponse


def workbook(title: str, head: list[str], rows) -> bytes:
    """Through the one Excel layer (formulas neutralised, local dates, print setup; security review F4)."""
    from branches.documents import xlsx

    book = xlsx.Book()
    ws = book.sheet(title, head, title=title)
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    return book.bytes()


def response(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    from branches.documents.xlsx import XLSX

    r = HttpResponse(content, content_type=XLSX)
    r["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return r
