"""The monthly dues statements as Excel, through the one Excel layer (``branches.documents.xlsx``: streamed
write-only sheets, formulas neutralised, local dates, print setup).

- ``statement_book``: one branch's statement of a month (上缴 form): the reconciliation on top
  (opening + collected − remitted = closing), then every receipt of the month.
- ``statements_book``: the statements of a subtree (the unit's remittance register), one row each.
"""

from __future__ import annotations

from django.utils import translation

from branches.documents import xlsx


def _zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def statement_book(statement, payments) -> xlsx.Book:
    from .models import PaymentKind, PaymentMethod

    month = f"{statement.month.year}年{statement.month.month}月"
    title = f"{statement.organization.name}{month}党费收缴报表"
    preamble = [
        [title],
        ["期初结余", statement.opening, "本月收缴", statement.collected, "其中全额上缴中央", statement.to_centre],
        ["本月上缴", statement.remitted, "期末结余", statement.closing, "状态", _zh(statement.get_status_display())],
        [],
    ]
    book = xlsx.Book()
    ws = book.sheet(
        "党费收缴报表",
        ["收据号", "党员", "所属月份", "金额（元）", "类别", "交纳方式", "交纳日期", "全额上缴中央", "备注"],
        title=title,
        organization=statement.organization.name,
        preamble=preamble,
    )
    kinds, methods = dict(PaymentKind.choices), dict(PaymentMethod.choices)
    for p in payments:
        ws.append(
            [
                p.receipt_no,
                p.member.name,
                f"{p.month:%Y-%m}",
                p.amount,
                _zh(kinds.get(p.kind, p.kind)),
                _zh(methods.get(p.method, p.method)),
                p.paid_on,
                "是" if p.to_centre else "",
                p.note,
            ]
        )
    ws.append(["合计", "", "", statement.collected, "", "", "", "", ""])
    return book


def statements_book(organization, statements) -> xlsx.Book:
    book = xlsx.Book()
    title = f"{organization.name}党费上缴登记"
    ws = book.sheet(
        "党费上缴登记",
        [
            "党组织",
            "月份",
            "期初结余",
            "本月收缴",
            "其中全额上缴中央",
            "本月上缴",
            "期末结余",
            "状态",
            "报送时间",
            "接收时间",
        ],
        title=title,
        organization=organization.name,
        title_row=True,
    )
    for s in statements:
        ws.append(
            [
                s.organization.name,
                f"{s.month:%Y-%m}",
                s.opening,
                s.collected,
                s.to_centre,
                s.remitted,
                s.closing,
                _zh(s.get_status_display()),
                s.submitted_at,
                s.received_at,
            ]
        )
    return book
