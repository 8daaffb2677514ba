"""Members to and from Excel: the template, the export, and the import's old entry points.

The reading, checking and importing live in ``branches.roster``; the export carries every
register field the user may see, under the template's headers, so export → edit → re-import
round-trips (in update mode).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .. import audit  # noqa: F401  (patched by tests: the import audits through it)
from ..roster import checking, values
from ..roster.checking import CATEGORY_LABEL, GENDER_LABEL, STATUS_LABEL
from ..roster.importing import CREATE, Preview, apply, importable_orgs
from ..roster.importing import dry_run as _dry_run
from ..roster.reading import MAX_BYTES, MAX_ROWS  # noqa: F401

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
    ("所在党小组", "party_group", False),
]
TEXT_FIELDS = {"id_number", "phone"}
DATE_FIELDS = {"birth_date", "join_date", "full_date"}
HEADER_FILL = PatternFill("solid", fgColor="C00000")
TEMPLATE_ROWS = 1000
CHOICES = {
    "category": list(CATEGORY_LABEL.values()),
    "gender": ["男", "女"],
    "status": ["正常", "流动", "失联", "停止党籍"],
    "ethnicity": values.ETHNICITIES + values.OTHER_ETHNICITIES,
    "education": values.EDUCATION_LEVELS,
}

DryRun = Preview  # the old name


def org_labels(orgs) -> dict:
    """How each organisation is written in the file: its name, or ``parent/name`` when the name repeats."""
    orgs = list(orgs)
    counts: dict[str, int] = {}
    for o in orgs:
        counts[o.name] = counts.get(o.name, 0) + 1
    return {(o.name if counts[o.name] == 1 else f"{o.parent.name if o.parent else ''}/{o.name}"): o for o in orgs}


def template_workbook(actor) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "党员信息"
    lists = wb.create_sheet("选项")
    orgs = list(importable_orgs(actor))
    labels = list(org_labels(orgs))
    CHOICES_WITH_ORGS = {**CHOICES, "organization": labels or ["—"]}
    for col, (header, field_name, required) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=header + ("*" if required else ""))
        cell.font = Font(bold=True, color="FFFFFF" if required else "000000")
        if required:
            cell.fill = HEADER_FILL
        letter = cell.column_letter
        ws.column_dimensions[letter].width = 22 if field_name in ("id_number", "organization") else 12
        if field_name in TEXT_FIELDS:
            # Text, so Excel never rounds an 18-digit ID number or drops a leading zero.
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=col).number_format = "@"
        elif field_name in DATE_FIELDS:
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"
        options = CHOICES_WITH_ORGS.get(field_name)
        if options:
            list_col = len([c for c in lists[1] if c.value is not None]) + 1
            lists.cell(row=1, column=list_col, value=header)
            for i, option in enumerate(options, start=2):
                lists.cell(row=i, column=list_col, value=option)
            ref_letter = lists.cell(row=1, column=list_col).column_letter
            dv = DataValidation(
                type="list",
                formula1=f"'选项'!${ref_letter}$2:${ref_letter}${len(options) + 1}",
                allow_blank=not required,
                showErrorMessage=True,
                errorTitle="请从下拉列表选择",
                error=f"“{header}”请从下拉列表中选择。",
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    lists.sheet_state = "hidden"
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("填写说明")
    lines = [
        "带 * 的列必填；每行一人；表头可用全国党员管理信息系统的名称（如 公民身份证号码、所在党支部、入党时间）。",
        "公民身份号码：18 位，最后一位可为 X；本列为文本格式，请勿改为数字（Excel 会丢失末位）。",
        "日期：2019-07-01、2019.07.01、2019/7/1、2019年7月1日 或 Excel 日期；只知年月可写 2019.07。",
        "人员类别：" + "、".join(CATEGORY_LABEL.values()) + "；正式党员须填转正日期（入党满一年之日）。",
        "性别、出生日期须与身份证号一致；可留空，由身份证号自动填写。",
        "民族：56 个民族名称或 其他、外国血统（“汉”将记为 汉族）。学历：" + "、".join(values.EDUCATION_LEVELS) + "。",
        "所在党组织：党支部名称（见“党组织”工作表）；填党小组名称时，记入其所在支部并设为该党小组。",
        "导入前系统会先预检查，列出所有有问题的行；全部无误后才会一次性导入。再次导入更新后的名册时选择“更新”。",
    ]
    for i, line in enumerate(lines, start=1):
        help_ws.cell(row=i, column=1, value=line)
    help_ws.column_dimensions["A"].width = 100
    orgs_ws = wb.create_sheet("党组织")
    orgs_ws.cell(row=1, column=1, value="所在党组织（填写用）").font = Font(bold=True)
    for i, label in enumerate(labels, start=2):
        orgs_ws.cell(row=i, column=1, value=label)
    orgs_ws.column_dimensions["A"].width = 50
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def dry_run(actor, content: bytes, *, mode: str = CREATE) -> Preview:
    return _dry_run(actor, content, mode=mode)


def import_members(*, actor, content: bytes, mode: str = CREATE, selected=None, confirmed: bool = False):
    """All or nothing (create mode returns the people added, like before)."""
    result = apply(actor=actor, content=content, mode=mode, selected=selected, confirmed=confirmed)
    return result["added"] if mode == CREATE else result


EXPORT_HEADERS = ["序号"] + [h for h, _f, _r in COLUMNS] + ["工作单位"]


def export_workbook(
    actor,
    members,
    *,
    unmasked_ids: set[int] | None = None,
    unmasked_phones: set[int] | None = None,
    organizations=None,
) -> bytes:
    """Every register field the user may see, under the import headers (streamed, write-only).

    ``members`` may be any iterable: pass a queryset's ``.iterator()`` (and ``organizations``, the
    organisations the rows belong to, for their labels) and no member is held in memory after its
    row is written — a city's register exports in constant memory (issue 22). ID and phone numbers
    are masked unless the user may unmask that person: the ids in ``unmasked_ids`` or, when it is
    None, the rows annotated ``can_unmask`` (the caller audits it).
    """
    from ..documents import xlsx  # one layer: formulas neutralised, local dates, print setup (F4)

    def unmask(m, ids):
        return getattr(m, "can_unmask", False) if ids is None else m.pk in ids

    unmasked_phones = unmasked_ids if unmasked_phones is None else unmasked_phones
    book = xlsx.Book()
    ws = book.sheet("党员名册", EXPORT_HEADERS, title="党员名册")
    if organizations is None:
        members = list(members)
        organizations = _orgs_of(members)
    labels = {o.pk: label for label, o in org_labels(organizations).items()}
    for i, m in enumerate(members, start=1):
        ws.append(
            [
                i,
                m.name,
                m.id_number if unmask(m, unmasked_ids) else m.id_number_masked,
                labels.get(m.organization_id, m.organization.name),
                CATEGORY_LABEL.get(m.category, m.category),
                GENDER_LABEL.get(m.gender, ""),
                m.ethnicity,
                m.birth_date,
                m.phone if unmask(m, unmasked_phones) else m.phone_masked,
                m.education,
                m.job_title,
                m.join_date,
                m.full_date,
                STATUS_LABEL.get(m.status, m.status),
                m.party_group.name if m.party_group_id else "",
                m.unit.name if m.unit_id and m.unit else "",
            ]
        )
    return book.bytes()


def _orgs_of(members):
    seen = {}
    for m in members:
        seen.setdefault(m.organization_id, m.organization)
    return list(seen.values())


__all__ = ["COLUMNS", "checking", "dry_run", "export_workbook", "import_members", "template_workbook"]
