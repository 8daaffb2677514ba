"""Reading the two Excel files secretaries upload: the year's bases and the payroll deduction list.

Both are checked completely first (``dry_run``: every bad row listed, nothing written) and then applied
all or nothing, like the member register's import.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from branches import idnumbers
from branches.crypto import blind_index
from branches.models import Member, Organization

from .ledger import dues_members
from .models import DuesCategory

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
CATEGORY_NAMES = {
    "在职": DuesCategory.IN_SERVICE,
    "离退休": DuesCategory.RETIRED,
    "退休": DuesCategory.RETIRED,
    "学生": DuesCategory.STUDENT,
    "失业": DuesCategory.UNEMPLOYED,
    "低保": DuesCategory.LOW_INCOME,
}
BASE_COLUMNS = [
    ("姓名", "name", True),
    ("公民身份号码", "id_number", False),
    ("人员类别", "category", True),
    ("月缴费基数", "base", True),
    ("起始月份", "month", True),
]
PAYROLL_COLUMNS = [
    ("姓名", "name", True),
    ("公民身份号码", "id_number", False),
    ("党费月份", "month", True),
    ("金额", "amount", True),
]


@dataclass
class RowProblem:
    row: int
    name: str
    reasons: list[str]


@dataclass
class DryRun:
    rows: list[dict] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return self.total > 0 and not self.problems


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_month(value) -> datetime.date:
    """``2026-03``, ``2026/3``, ``2026年3月`` or an Excel date -> the first of that month. ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    raw = text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "").rstrip("-")
    parts = raw.split("-")
    if len(parts) < 2 or not parts[0].isdigit() or not parts[1].isdigit():
        raise ValueError(raw)
    return datetime.date(int(parts[0]), int(parts[1]), 1)


def parse_money(value) -> Decimal:
    try:
        amount = Decimal(text(value).replace(",", "").replace("元", ""))
    except InvalidOperation:
        raise ValueError(value) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(value)
    return amount.quantize(Decimal("0.01"))


def template(columns, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for col, (header, _f, required) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=col, value=header + ("*" if required else ""))
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = 22 if _f == "id_number" else 14
    help_ws = wb.create_sheet("填写说明")
    for i, line in enumerate(
        [
            "带 * 的列必填；每行一人；请勿修改表头。",
            "人员类别：" + "、".join(CATEGORY_NAMES),
            "月份格式：2026-01；金额、基数保留两位小数（元）。",
            "同名党员请填写公民身份号码。导入前系统会先检查所有行，全部无误后才一次性导入。",
        ],
        start=1,
    ):
        help_ws.cell(row=i, column=1, value=line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_rows(content: bytes, columns) -> list[tuple[int, dict]]:
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB; split it into smaller files."))
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the user's bad input
        raise ValidationError(_("This is not an Excel (.xlsx) file. Download the template and fill it in.")) from None
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ValidationError(_("The file is empty."))
    names = [text(h).rstrip("*").strip() for h in header]
    index = {}
    for label, name, required in columns:
        if label in names:
            index[name] = names.index(label)
        elif required:
            raise ValidationError(
                _("The column “%(col)s” is missing. Use the template without changing its header.") % {"col": label}
            )
    result = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        result.append((number, {f: values[i] if i < len(values) else None for f, i in index.items()}))
        if len(result) > MAX_ROWS:
            raise ValidationError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS})
    wb.close()
    return result


class MemberMatcher:
    """Finds the member a row names inside ``organization``'s subtree: by ID number, else by a unique name."""

    def __init__(self, organization: Organization):
        people = list(
            dues_members(Member.objects.filter(organization__path__startswith=organization.path))
            .select_related("organization__parent")
            .defer("id_number", "phone")
        )
        self.by_hash = {p.id_number_hash: p for p in people if p.id_number_hash}
        self.by_name: dict[str, list[Member]] = {}
        for p in people:
            self.by_name.setdefault(p.name, []).append(p)

    def find(self, name: str, id_number: str) -> tuple[Member | None, str | None]:
        if id_number:
            normal = idnumbers.normalise(id_number)
            person = self.by_hash.get(blind_index(normal)) if not idnumbers.problem(normal) else None
            if person is None:
                return None, _("No party member of this organisation has this ID number.")
            if name and person.name != name:
                return None, _("The ID number belongs to %(name)s, not to this name.") % {"name": person.name}
            return person, None
        found = self.by_name.get(name, [])
        if not found:
            return None, _("No party member of this organisation is called “%(name)s”.") % {"name": name}
        if len(found) > 1:
            return None, _("Several members are called “%(name)s”; add the ID number.") % {"name": name}
        return found[0], None


def check_required(values, columns) -> list[str]:
    return [
        _("“%(col)s” is empty.") % {"col": label}
        for label, f, required in columns
        if required and not text(values.get(f))
    ]
