"""Reading a roster file as it is: ``.xlsx`` or old ``.xls``, title and 填报 rows above the header,
a 填表人 footer below the data, and headers named as in the national member information system."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import values

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
HEADER_SCAN_ROWS = 15

# field → accepted headers (normalised: half-width, no spaces, no "*"). The first is the template's.
ALIASES = {
    "name": ["姓名", "党员姓名"],
    "id_number": ["公民身份号码", "公民身份证号码", "身份证号", "身份证号码", "身份证", "证件号码"],
    "organization": [
        "所在党组织",
        "所在党支部",
        "党组织名称",
        "所在支部",
        "党支部",
        "党组织",
        "所属党组织",
        "所属党支部",
    ],
    "category": ["人员类别", "党员类别", "党员类型", "类别"],
    "gender": ["性别"],
    "ethnicity": ["民族"],
    "birth_date": ["出生日期", "出生年月", "出生时间"],
    "phone": ["手机号码", "联系电话", "手机号", "手机", "联系方式", "电话"],
    "education": ["学历", "文化程度", "最高学历", "全日制学历"],
    "job_title": ["职务", "工作单位及职务", "工作岗位", "岗位", "职务职级"],
    "party_group": ["所在党小组", "党小组"],
    "join_date": ["入党日期", "入党时间"],
    "full_date": ["转正日期", "转正时间"],
    "status": ["党员状态", "状态"],
}
LOOKUP = {alias: f for f, aliases in ALIASES.items() for alias in aliases}
REQUIRED = ("name", "id_number", "organization")
FOOTER_WORDS = ("填表人", "填报人", "制表人", "审核人", "负责人", "联系人", "填表日期", "合计", "注:", "说明:", "备注:")


@dataclass
class Sheet:
    header_row: int  # the Excel row number of the header (1-based)
    mapping: list[tuple[str, str]]  # (header as written, field)
    ignored: list[str]  # headers that map to nothing
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (Excel row number, {field: raw value})


def _header_key(value) -> str:
    return values.compact(value).rstrip("*").replace("(", "").replace(")", "").strip()


def _cells_xlsx(content: bytes):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        for row in wb.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        wb.close()


def _cells_xls(content: bytes):
    import xlrd

    book = xlrd.open_workbook(file_contents=content)
    sheet = book.sheet_by_index(0)
    for r in range(sheet.nrows):
        row = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(None)
            else:
                row.append(cell.value)
        yield row


def cells(content: bytes):
    """Every row of the first sheet as a list of raw values."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB; split it into smaller files."))
    if content[:4] == b"PK\x03\x04":
        reader = _cells_xlsx
    elif content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        reader = _cells_xls
    else:
        raise ValidationError(_("This is not an Excel file (.xlsx or .xls). Download the template and fill it in."))
    try:
        return list(reader(content))
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any unreadable file is the user's bad input
        raise ValidationError(
            _("This is not an Excel file (.xlsx or .xls). Download the template and fill it in.")
        ) from None


def find_header(rows: list[list]) -> int:
    """Index of the header row: the first of the top rows naming the most known columns (≥ 2, with 姓名)."""
    best, best_score = None, 1
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = {LOOKUP.get(_header_key(v)) for v in row if v not in (None, "")}
        keys.discard(None)
        if "name" in keys and len(keys) > best_score:
            best, best_score = i, len(keys)
    if best is None:
        raise ValidationError(
            _("No header row found: the first rows must contain a header with 姓名 and 公民身份号码 (or 身份证号).")
        )
    return best


def _is_footer(row: list) -> bool:
    for v in row:
        s = values.compact(v)
        if s:
            return s.startswith(FOOTER_WORDS)
    return False


def read(content: bytes) -> Sheet:
    rows = cells(content)
    if not rows:
        raise ValidationError(_("The file is empty."))
    h = find_header(rows)
    mapping, ignored, index = [], [], {}
    for col, raw in enumerate(rows[h]):
        label = values.text(raw)
        if not label:
            continue
        f = LOOKUP.get(_header_key(raw))
        if f is None or f in index:
            ignored.append(label)
            continue
        index[f] = col
        mapping.append((label.rstrip("*"), f))
    for f in REQUIRED:
        if f not in index:
            raise ValidationError(
                _("The column “%(col)s” is missing (also accepted: %(aliases)s).")
                % {"col": ALIASES[f][0], "aliases": "、".join(ALIASES[f][1:])}
            )
    sheet = Sheet(header_row=h + 1, mapping=mapping, ignored=ignored)
    for number, row in enumerate(rows[h + 1 :], start=h + 2):
        if row is None or all(v is None or values.text(v) == "" for v in row):
            continue
        if _is_footer(row):
            break
        sheet.rows.append((number, {f: row[i] if i < len(row) else None for f, i in index.items()}))
        if len(sheet.rows) > MAX_ROWS:
            raise ValidationError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS})
    return sheet
