"""Members to and from Excel: the template, the dry run, the all-or-nothing import, exports.

The dry run lists every bad row with its reason; ``import_members`` re-checks the
whole file inside one transaction and saves nothing unless every row is good.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from . import audit, idnumbers
from .crypto import blind_index
from .models import Member, MemberCategory, MemberEvent, MemberStatus, Organization
from .models.members import Gender
from .services import MEMBER_FIELDS

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

# (header, field, required). Headers are the file format: Chinese, like the national system.
COLUMNS = [
    ("姓名", "name", True),
    ("公民身份号码", "id_number", True),
    ("所在党组织", "organization", True),
    ("人员类别", "category", True),
    ("性别", "gender", False),
    ("民族", "ethnicity", False),
    ("出生日期", "birth_date", False),
    ("手机号码", "phone", False),
    ("学历", "education", False),
    ("职务", "job_title", False),
    ("入党日期", "join_date", False),
    ("转正日期", "full_date", False),
    ("党员状态", "status", False),
]
CATEGORY_NAMES = {
    "入党申请人": MemberCategory.APPLICANT,
    "入党积极分子": MemberCategory.ACTIVIST,
    "积极分子": MemberCategory.ACTIVIST,
    "发展对象": MemberCategory.CANDIDATE,
    "预备党员": MemberCategory.PROBATIONARY,
    "正式党员": MemberCategory.FULL,
}
CATEGORY_LABEL = {v: k for k, v in CATEGORY_NAMES.items() if k != "积极分子"}
STATUS_NAMES = {
    "正常": MemberStatus.NORMAL,
    "流动": MemberStatus.MOBILE,
    "流动党员": MemberStatus.MOBILE,
    "失联": MemberStatus.LOST_CONTACT,
    "失联党员": MemberStatus.LOST_CONTACT,
    "停止党籍": MemberStatus.SUSPENDED,
}
STATUS_LABEL = {
    MemberStatus.NORMAL: "正常",
    MemberStatus.MOBILE: "流动",
    MemberStatus.LOST_CONTACT: "失联",
    MemberStatus.SUSPENDED: "停止党籍",
    MemberStatus.TRANSFERRED_OUT: "已转出",
    MemberStatus.LEFT: "出党",
    MemberStatus.DECEASED: "去世",
}
GENDER_NAMES = {"男": Gender.MALE, "女": Gender.FEMALE}
GENDER_LABEL = {v: k for k, v in GENDER_NAMES.items()}
DATE_FIELDS = {"birth_date", "join_date", "full_date"}
HEADER_FILL = PatternFill("solid", fgColor="C00000")


@dataclass
class RowProblem:
    row: int  # the Excel row number (the header is row 1)
    name: str
    reasons: list[str]


@dataclass
class DryRun:
    rows: list[dict] = field(default_factory=list)  # parsed, good rows
    problems: list[RowProblem] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return self.total > 0 and not self.problems


def org_labels(orgs) -> dict[str, Organization]:
    """How each organisation is written in the file: its name, or ``parent/name`` when the name repeats."""
    orgs = list(orgs)
    counts: dict[str, int] = {}
    for o in orgs:
        counts[o.name] = counts.get(o.name, 0) + 1
    labels = {}
    for o in orgs:
        label = o.name if counts[o.name] == 1 else f"{o.parent.name if o.parent else ''}/{o.name}"
        labels[label] = o
    return labels


def importable_orgs(actor):
    return (
        Organization.objects.visible_to(actor, "member.change")
        .filter(is_active=True)
        .select_related("parent")
        .order_by("path")
    )


def template_workbook(actor) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "党员信息"
    for col, (header, _field, required) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=header + ("*" if required else ""))
        cell.font = Font(bold=True, color="FFFFFF" if required else "000000")
        if required:
            cell.fill = HEADER_FILL
        ws.column_dimensions[cell.column_letter].width = 20 if _field in ("id_number", "organization") else 12
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("填写说明")
    lines = [
        "带 * 的列必填；每行一人；请勿修改表头。",
        "公民身份号码：18 位，最后一位可为 X，将校验校验码。",
        "日期格式：2024-05-01（或 Excel 日期单元格）。",
        "人员类别：" + "、".join(CATEGORY_LABEL.values()),
        "性别：男、女；党员状态：正常、流动、失联、停止党籍（空白为正常）。",
        "所在党组织：请从“党组织”工作表中复制名称。",
        "导入前系统会先预检查，列出所有有问题的行；全部无误后才会一次性导入。",
    ]
    for i, line in enumerate(lines, start=1):
        help_ws.cell(row=i, column=1, value=line)
    help_ws.column_dimensions["A"].width = 80
    orgs_ws = wb.create_sheet("党组织")
    orgs_ws.cell(row=1, column=1, value="所在党组织（填写用）").font = Font(bold=True)
    for i, label in enumerate(org_labels(importable_orgs(actor)), start=2):
        orgs_ws.cell(row=i, column=1, value=label)
    orgs_ws.column_dimensions["A"].width = 50
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    if text.isdigit() and len(text) == 8:
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return datetime.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        raise ValueError from None


def read_rows(content: bytes) -> list[tuple[int, dict]]:
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB; split it into smaller files."))
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the user's bad input
        raise ValidationError(_("This is not an Excel (.xlsx) file. Download the template and fill it in.")) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ValidationError(_("The file is empty."))
    names = [_text(h).rstrip("*").strip() for h in header]
    index = {}
    for label, field_name, required in COLUMNS:
        if label in names:
            index[field_name] = names.index(label)
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


def dry_run(actor, content: bytes) -> DryRun:
    """Check every row; never writes. Raises ValidationError only for an unreadable file."""
    raw = read_rows(content)
    result = DryRun(total=len(raw))
    orgs = org_labels(importable_orgs(actor))
    seen: dict[str, int] = {}
    digests = {}
    for number, values in raw:
        id_number = idnumbers.normalise(_text(values.get("id_number")))
        if id_number and not idnumbers.problem(id_number):
            digests[number] = blind_index(id_number)
    registered = set(
        Member.objects.filter(id_number_hash__in=digests.values()).values_list("id_number_hash", flat=True)
    )
    for number, values in raw:
        reasons = []
        row = {}
        for label, field_name, required in COLUMNS:
            if required and not _text(values.get(field_name)):
                reasons.append(_("“%(col)s” is empty.") % {"col": label})
        name = _text(values.get("name"))
        row["name"] = name[:50]
        id_number = idnumbers.normalise(_text(values.get("id_number")))
        if id_number:
            problem = idnumbers.problem(id_number)
            if problem:
                reasons.append(_("ID number: %(reason)s") % {"reason": problem})
            else:
                digest = digests[number]
                if digest in registered:
                    reasons.append(_("ID number is already in the register."))
                elif digest in seen:
                    reasons.append(_("ID number repeats row %(row)s of this file.") % {"row": seen[digest]})
                else:
                    seen[digest] = number
                row["id_number"] = id_number
        org_text = _text(values.get("organization"))
        if org_text:
            org = orgs.get(org_text)
            if org is None:
                reasons.append(
                    _("Unknown organisation “%(org)s”, or outside what you manage (see the sheet 党组织).")
                    % {"org": org_text}
                )
            row["organization"] = org
        category_text = _text(values.get("category"))
        if category_text:
            category = CATEGORY_NAMES.get(category_text)
            if category is None:
                reasons.append(_("Unknown category “%(value)s”.") % {"value": category_text})
            row["category"] = category
        gender_text = _text(values.get("gender"))
        if gender_text:
            if gender_text not in GENDER_NAMES:
                reasons.append(_("Gender must be 男 or 女."))
            row["gender"] = GENDER_NAMES.get(gender_text, "")
        status_text = _text(values.get("status"))
        row["status"] = STATUS_NAMES.get(status_text, MemberStatus.NORMAL)
        if status_text and status_text not in STATUS_NAMES:
            reasons.append(_("Unknown status “%(value)s”.") % {"value": status_text})
        for label, field_name, _required in COLUMNS:
            if field_name in DATE_FIELDS:
                try:
                    row[field_name] = _date(values.get(field_name))
                except ValueError:
                    reasons.append(_("“%(col)s” is not a date (write it as 2024-05-01).") % {"col": label})
        if row.get("birth_date") is None and row.get("id_number"):
            row["birth_date"] = idnumbers.birth_date(row["id_number"])
        for field_name, limit in (("ethnicity", 20), ("education", 20), ("job_title", 100), ("phone", 30)):
            text = _text(values.get(field_name))
            if len(text) > limit:
                reasons.append(_("“%(field)s” is too long.") % {"field": field_name})
            row[field_name] = text
        if not row.get("ethnicity"):
            row["ethnicity"] = "汉族"
        if row.get("join_date") and row.get("full_date") and row["full_date"] < row["join_date"]:
            reasons.append(_("The full-membership date is before the join date."))
        if reasons:
            result.problems.append(RowProblem(number, name, reasons))
        else:
            result.rows.append(row)
    return result


@transaction.atomic
def import_members(*, actor, content: bytes) -> list[Member]:
    """All or nothing: check the whole file again and save every row in this one transaction."""
    checked = dry_run(actor, content)
    if not checked.ok:
        raise ValidationError(
            _("Nothing was imported: %(n)s rows have problems, first row %(row)s.")
            % {"n": len(checked.problems), "row": checked.problems[0].row if checked.problems else "-"}
        )
    people = []
    for row in checked.rows:
        person = Member(
            organization=row["organization"],
            unit=row["organization"].unit,
            name=row["name"],
            gender=row.get("gender", ""),
            ethnicity=row["ethnicity"],
            birth_date=row.get("birth_date"),
            id_number=row["id_number"],
            id_number_hash=blind_index(row["id_number"]),
            phone=row.get("phone", ""),
            education=row.get("education", ""),
            job_title=row.get("job_title", ""),
            join_date=row.get("join_date"),
            full_date=row.get("full_date"),
            category=row["category"],
            status=row["status"],
        )
        person.full_clean(exclude=["id_number_hash", "organization", "unit", "user", "party_group"])
        people.append(person)
    people = Member.objects.bulk_create(people, batch_size=500)
    today = datetime.date.today()
    actor_name = getattr(actor, "username", "") or str(actor)
    MemberEvent.objects.bulk_create(
        [
            MemberEvent(
                member=p,
                kind="registered",
                date=today,
                detail=_("Imported from Excel"),
                organization=p.organization,
                actor_name=actor_name,
            )
            for p in people
        ],
        batch_size=500,
    )
    for p in people:
        audit.record(actor, "member.import", p, after=audit.snapshot(p, MEMBER_FIELDS))
    return people


def export_workbook(actor, members, *, unmasked_ids: set[int]) -> bytes:
    """The register as Excel through the document layer (formulas neutralised, print setup)."""
    from .documents import xlsx

    book = xlsx.Book()
    ws = book.sheet(
        "党员名册",
        [
            "序号",
            "姓名",
            "性别",
            "民族",
            "出生日期",
            "公民身份号码",
            "所在党组织",
            "人员类别",
            "党员状态",
            "入党日期",
            "转正日期",
            "学历",
            "职务",
        ],
        title="党员名册",
    )
    for i, m in enumerate(members, start=1):
        ws.append(
            [
                i,
                m.name,
                GENDER_LABEL.get(m.gender, ""),
                m.ethnicity,
                m.birth_date,
                m.id_number if m.pk in unmasked_ids else m.id_number_masked,
                m.organization.name,
                CATEGORY_LABEL.get(m.category, m.category),
                STATUS_LABEL.get(m.status, m.status),
                m.join_date,
                m.full_date,
                m.education,
                m.job_title,
            ]
        )
    return book.bytes()
