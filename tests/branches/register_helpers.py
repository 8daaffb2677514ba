"""Helpers for the register tests: Excel files built in memory."""

import io

from openpyxl import Workbook

from branches import idnumbers
from branches.register.excel import COLUMNS

HEADERS = [label + ("*" if required else "") for label, _f, required in COLUMNS]


def unique_id(serial: int) -> str:
    # 17 digits: area 110105, birth date from the serial, three-digit sequence.
    year = 1960 + serial // 1000 % 40
    return idnumbers.make(f"110105{year}0{1 + serial % 9}1{serial % 10}{serial % 1000:03d}")


def workbook(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(field_name, "") for _label, field_name, _r in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_row(serial: int, organization="甲局第一党支部", **extra) -> dict:
    return {
        "name": f"导入{serial}",
        "id_number": unique_id(serial),
        "organization": organization,
        "category": "正式党员",
        "gender": "男" if int(unique_id(serial)[16]) % 2 else "女",
        "join_date": "2010-07-01",
        "full_date": "2011-07-01",
        **extra,
    }
