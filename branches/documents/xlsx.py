"""Excel exports, one way for every app.

    from branches.documents import xlsx

    book = xlsx.Book()
    sheet = book.sheet("台账", ["序号", "党组织", "会议时间"], title="组织生活台账（2026年）",
                       organization=org.name, title_row=True)
    for row in rows:
        sheet.append([i, org.name, meeting.start])   # aware datetimes become Asia/Shanghai
    return book.response("组织生活台账.xlsx")

Every cell passes through ``cell_value``: text that a spreadsheet would run as a formula (it starts
with ``= + - @``, a tab or a carriage return) is written as a text cell with Excel's quote prefix, so
``=HYPERLINK(...)`` shows as text and never runs (OWASP "CSV injection"). Aware datetimes are
converted to the local time zone (settings.TIME_ZONE, Asia/Shanghai) before anything is written:
no export ever shows a UTC date.

Workbooks are write-only (streamed): the first ``SAMPLE_ROWS`` rows are held back to size the columns
(a Chinese character counts two), then the sheet is written out. Print setup: A4, landscape when the
columns are wider than a portrait page, fit to one page wide, the header row repeated on every page,
panes frozen below the header, the organisation, title and print date in the page header and
``第 N 页 / 共 M 页`` in the footer.
"""

from __future__ import annotations

import datetime
import io
import unicodedata
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SAMPLE_ROWS = 200
MAX_WIDTH = 60
MIN_WIDTH = 6
# A4 portrait fits about 95 character widths at 100 %; wider sheets print landscape.
PORTRAIT_MAX_WIDTH = 95
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_THIN = Side(style="thin", color="999999")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TITLE_FONT = Font(bold=True, size=14)


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def local(value):
    """Aware datetimes in the local time zone (naive, as Excel wants); everything else unchanged."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def local_date(value) -> datetime.date | None:
    """The local calendar day of a datetime (a card issued at 17:00 UTC is the next day in Beijing)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return local(value).date()
    return value


def safe_text(value):
    """Neutralise formula-like text for formats without cell types (CSV): a leading apostrophe."""
    if is_formula_like(value):
        return "'" + value
    return value


def plain(value):
    """A Python value Excel can hold: local datetimes, text for lazy strings and model objects."""
    value = local(value)
    if value is None or isinstance(value, (str, int, float, datetime.date, datetime.time)):
        return value
    if hasattr(value, "__float__") and not isinstance(value, bool):  # Decimal
        return float(value)
    return str(value)


def display_width(text) -> int:
    """Columns a text needs: East Asian wide characters count two."""
    width = 0
    for line in str(text).splitlines() or [""]:
        w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        width = max(width, w)
    return width


def _width_of(value) -> int:
    value = local(value)
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    if value is None:
        return 0
    return display_width(value)


class Sheet:
    """One streamed worksheet: preamble rows (optional), a header row, then rows.

    ``title`` and ``organization`` go into the printed page header; ``title_row=True`` also writes the
    title as the first row; ``preamble`` rows (e.g. a score card's totals) are written above the header.
    """

    def __init__(
        self,
        book,
        ws,
        headers,
        *,
        title="",
        organization="",
        widths=None,
        landscape=None,
        title_row=False,
        preamble=None,
    ):
        self.book = book
        self.ws = ws
        self.headers = [plain(h) for h in headers]
        self.title = str(title or "")
        self.organization = str(organization or "")
        self.widths = list(widths) if widths else None
        self.landscape = landscape
        self._held: list[list] = []
        self._flushed = False
        self.preamble = [list(r) for r in (preamble or [])]
        if title_row and self.title:
            self.preamble.insert(0, [self.title])
        self.header_row = len(self.preamble) + 1

    def cell(self, value, *, header=False):
        value = plain(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if is_formula_like(value):
            cell.data_type = "s"  # a string cell is never evaluated
            cell.quotePrefix = True  # and Excel keeps it text when edited
        elif isinstance(value, datetime.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        if header:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.border = HEADER_BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        return cell

    def _value(self, value):
        """A body cell: a plain number or text goes in as it is (openpyxl makes the same cell); dates, and
        text Excel could read as a formula, get a styled cell (``cell``). Half the cost of a 200,000-cell
        export was building styled cells that needed no style."""
        value = plain(value)
        if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return value
        if isinstance(value, str) and not is_formula_like(value):
            return value
        return self.cell(value)

    def append(self, row) -> None:
        row = list(row)
        if self._flushed:
            self.ws.append([self._value(v) for v in row])
        else:
            self._held.append(row)
            if len(self._held) >= SAMPLE_ROWS:
                self.flush()

    def extend(self, rows) -> None:
        for row in rows:
            self.append(row)

    def column_widths(self) -> list[int]:
        n = max([len(self.headers)] + [len(r) for r in self._held])
        widths = [MIN_WIDTH] * n
        for i, h in enumerate(self.headers):
            widths[i] = max(widths[i], display_width(h) + 2)
        for row in self._held:
            for i, v in enumerate(row):
                widths[i] = max(widths[i], min(_width_of(v) + 2, MAX_WIDTH))
        if self.widths:
            for i, w in enumerate(self.widths[:n]):
                if w:
                    widths[i] = w
        return widths

    def flush(self) -> None:
        if self._flushed:
            return
        self._flushed = True
        ws = self.ws
        widths = self.column_widths()
        from openpyxl.utils import get_column_letter

        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        landscape = self.landscape if self.landscape is not None else sum(widths) > PORTRAIT_MAX_WIDTH
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        ws.freeze_panes = f"A{self.header_row + 1}"
        printed = timezone.localtime().strftime("%Y-%m-%d")
        ws.oddHeader.left.text = _escape(self.organization)
        ws.oddHeader.center.text = _escape(self.title or ws.title)
        ws.oddHeader.right.text = "打印日期：" + printed
        ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
        for i, row in enumerate(self.preamble):
            cells = [self.cell(v) for v in row]
            if i == 0 and cells:
                cells[0].font = TITLE_FONT
            ws.append(cells)
        ws.append([self.cell(h, header=True) for h in self.headers])
        for row in self._held:
            ws.append([self._value(v) for v in row])
        self._held = []


def _escape(text: str) -> str:
    return text.replace("&", "&&")


class Book:
    """A streamed workbook of ``Sheet``s."""

    def __init__(self):
        self.wb = Workbook(write_only=True)
        self.sheets: list[Sheet] = []

    def sheet(self, name, headers, **options) -> Sheet:
        ws = self.wb.create_sheet(_sheet_name(name))
        sheet = Sheet(self, ws, headers, **options)
        self.sheets.append(sheet)
        return sheet

    def bytes(self) -> bytes:
        for sheet in self.sheets:
            sheet.flush()
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()

    def response(self, filename: str) -> HttpResponse:
        return response(self.bytes(), filename)


def _sheet_name(name) -> str:
    name = str(name)
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31] or "Sheet"


def response(data: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A download: the Chinese file name survives (RFC 5987), no caching of personal data."""
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = disposition(filename)
    resp["Cache-Control"] = "no-store"
    return resp


def disposition(filename: str, *, inline: bool = False) -> str:
    ascii_name = "".join(ch if ch.isascii() and ch not in '"\\;' else "_" for ch in filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
