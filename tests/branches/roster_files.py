"""Messy roster files built in memory, the way branches really keep them."""

import datetime
import io

from openpyxl import Workbook

from branches import idnumbers

NATIONAL = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "公民身份证号码",
    "出生日期",
    "学历",
    "所在党支部",
    "工作单位及职务",
    "联系电话",
    "入党时间",
    "转正时间",
    "人员类别",
    "备注",
]
TITLE = "甲局第一党支部党员花名册"
FILLED = "填报单位：甲局机关党委        填报日期：2026年11月"
FOOTER = "填表人：李明    审核人：王强"


def make_id(birth: datetime.date, seq: int) -> str:
    return idnumbers.make(f"110105{birth:%Y%m%d}{seq:03d}")


def person(seq: int, **over) -> dict:
    """One full member, born 1985, joined 2010-07-01, full 2011-07-01. Odd seq → male."""
    birth = datetime.date(1985, 1 + seq % 12, 1 + seq % 28)
    row = {
        "序号": seq,
        "姓名": f"党员{seq:03d}",
        "性别": "男" if seq % 2 else "女",
        "民族": "汉族",
        "公民身份证号码": make_id(birth, seq),
        "出生日期": birth.isoformat(),
        "学历": "大学本科",
        "所在党支部": "甲局第一党支部",
        "工作单位及职务": "甲局办公室科员",
        "联系电话": f"1390000{seq:04d}",
        "入党时间": "2010-07-01",
        "转正时间": "2011-07-01",
        "人员类别": "正式党员",
        "备注": "",
    }
    row.update(over)
    return row


def xlsx(people: list[dict], *, headers=NATIONAL, title=True, footer=True) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([TITLE])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.append([FILLED])
    ws.append(headers)
    for p in people:
        ws.append([p.get(h) for h in headers])
    if footer:
        ws.append([])
        ws.append([FOOTER])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xls(people: list[dict], *, headers=NATIONAL, title=True, footer=True) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("花名册")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    r = 0
    if title:
        ws.write_merge(0, 0, 0, len(headers) - 1, TITLE)
        ws.write(1, 0, FILLED)
        r = 2
    for c, h in enumerate(headers):
        ws.write(r, c, h)
    for p in people:
        r += 1
        for c, h in enumerate(headers):
            v = p.get(h)
            if v is None:
                continue
            if isinstance(v, datetime.date):
                ws.write(r, c, v, date_style)
            else:
                ws.write(r, c, v)
    if footer:
        ws.write(r + 2, 0, FOOTER)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
