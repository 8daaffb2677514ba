"""Checking each person as a secretary would. Pure: the caller loads the organisations and the
register's hashes once; ``check_row`` does no queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .. import idnumbers, rules
from ..models import MemberCategory, MemberStatus, OrganizationKind
from ..models.members import Gender
from . import values
from .values import BadValue

CATEGORY_NAMES = {
    "入党申请人": MemberCategory.APPLICANT,
    "申请人": MemberCategory.APPLICANT,
    "入党积极分子": MemberCategory.ACTIVIST,
    "积极分子": MemberCategory.ACTIVIST,
    "发展对象": MemberCategory.CANDIDATE,
    "预备党员": MemberCategory.PROBATIONARY,
    "预备": MemberCategory.PROBATIONARY,
    "正式党员": MemberCategory.FULL,
    "正式": MemberCategory.FULL,
}
CATEGORY_LABEL = {
    MemberCategory.APPLICANT: "入党申请人",
    MemberCategory.ACTIVIST: "入党积极分子",
    MemberCategory.CANDIDATE: "发展对象",
    MemberCategory.PROBATIONARY: "预备党员",
    MemberCategory.FULL: "正式党员",
}
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
GENDER_NAMES = {"男": Gender.MALE, "女": Gender.FEMALE, "男性": Gender.MALE, "女性": Gender.FEMALE}
GENDER_LABEL = {Gender.MALE: "男", Gender.FEMALE: "女"}
HEADERS = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "organization": "所在党组织",
    "category": "人员类别",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "phone": "手机号码",
    "education": "学历",
    "job_title": "职务",
    "party_group": "所在党小组",
    "join_date": "入党日期",
    "full_date": "转正日期",
    "status": "党员状态",
}
DATE_FIELDS = ("birth_date", "join_date", "full_date")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
EARLIEST_PARTY_DATE = datetime.date(1921, 1, 1)  # the party was founded in 1921
ADULT_YEARS = 18  # 党章 第一条: 年满十八岁
# F11: never say where else a person is registered.
NOT_ADDABLE = gettext_noop("This person cannot be added here; ask the unit admin or start a transfer.")


@dataclass
class RowResult:
    row: int
    name: str
    data: dict = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)  # errors: the file must be fixed
    warnings: list[str] = field(default_factory=list)  # the admin must confirm
    notes: list[str] = field(default_factory=list)  # what was normalised
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.reasons


def norm_label(value) -> str:
    return values.compact(value)


def org_index(orgs) -> dict[str, object]:
    """How each organisation may be written: its name, or ``parent/name`` when the name repeats."""
    orgs = list(orgs)
    counts: dict[str, int] = {}
    for o in orgs:
        counts[norm_label(o.name)] = counts.get(norm_label(o.name), 0) + 1
    labels = {}
    for o in orgs:
        key = norm_label(o.name)
        labels[f"{norm_label(o.parent.name) if o.parent else ''}/{key}"] = o
        if counts[key] == 1:
            labels[key] = o
    return labels


def _add_years(day: datetime.date, years: int) -> datetime.date:
    return rules.add_months(day, 12 * years)


def check_row(number: int, raw: dict, *, orgs: dict, today: datetime.date, values_: dict) -> RowResult:
    r = RowResult(number, values.name(raw.get("name"))[:50])
    d = r.data
    d["name"] = r.name
    if not r.name:
        r.reasons.append(_("“%(col)s” is empty.") % {"col": HEADERS["name"]})
    # ID number: the key of the person.
    try:
        d["id_number"] = values.id_number(raw.get("id_number"))
        if not d["id_number"]:
            r.reasons.append(_("“%(col)s” is empty.") % {"col": HEADERS["id_number"]})
    except BadValue as exc:
        r.reasons.append(_("ID number: %(reason)s") % {"reason": exc})
        d["id_number"] = ""
    # Dates.
    days = {}
    for f in DATE_FIELDS:
        try:
            days[f] = values.day(raw.get(f))
        except BadValue as exc:
            r.reasons.append(f"{HEADERS[f]}: {exc}")
            days[f] = None
        d[f] = days[f].date if days[f] else None
        if days[f] and days[f].month_only:
            r.notes.append(
                _("%(col)s gives only the month: stored as %(date)s.") % {"col": HEADERS[f], "date": days[f].date}
            )
        if d[f] and d[f] > today:
            r.reasons.append(_("%(col)s %(date)s is in the future.") % {"col": HEADERS[f], "date": d[f]})
        earliest = EARLIEST_BIRTH if f == "birth_date" else EARLIEST_PARTY_DATE
        if d[f] and d[f] < earliest:
            r.reasons.append(
                _("%(col)s %(date)s is before %(earliest)s: check the year.")
                % {"col": HEADERS[f], "date": d[f], "earliest": earliest}
            )
    # Gender and birth date agree with the ID number.
    gender_text = values.compact(raw.get("gender"))
    d["gender"] = GENDER_NAMES.get(gender_text, "")
    if gender_text and not d["gender"]:
        r.reasons.append(_("Gender must be 男 or 女."))
    if d["id_number"]:
        from_id = Gender.MALE if int(d["id_number"][16]) % 2 else Gender.FEMALE
        birth = idnumbers.birth_date(d["id_number"])
        if d["gender"] and d["gender"] != from_id:
            r.reasons.append(
                _("Gender %(gender)s does not match the ID number (which says %(id_gender)s).")
                % {"gender": gender_text, "id_gender": GENDER_LABEL[from_id]}
            )
        d["gender"] = d["gender"] or from_id
        if d["birth_date"] and d["birth_date"] != birth and not (days["birth_date"] and days["birth_date"].month_only):
            r.reasons.append(
                _("Birth date %(date)s does not match the ID number (which says %(id_date)s).")
                % {"date": d["birth_date"], "id_date": birth}
            )
        d["birth_date"] = birth
    # Category and the dates it implies.
    category_text = values.compact(raw.get("category"))
    if category_text:
        d["category"] = CATEGORY_NAMES.get(category_text)
        if d["category"] is None:
            r.reasons.append(
                _("Unknown category “%(value)s”: write one of %(names)s.")
                % {"value": category_text, "names": "、".join(CATEGORY_LABEL.values())}
            )
    else:
        d["category"] = (
            MemberCategory.FULL if d["full_date"] else MemberCategory.PROBATIONARY if d["join_date"] else None
        )
        if d["category"] is None:
            r.reasons.append(_("“%(col)s” is empty.") % {"col": HEADERS["category"]})
    _check_party_dates(r, days, values_)
    # Enumerations.
    for f, func in (("ethnicity", values.ethnicity), ("education", values.education), ("phone", values.phone)):
        try:
            d[f] = func(raw.get(f))
        except BadValue as exc:
            r.reasons.append(str(exc))
            d[f] = ""
    if len(d["phone"]) > 30:
        r.reasons.append(_("“%(field)s” is too long.") % {"field": HEADERS["phone"]})
    d["job_title"] = values.text(raw.get("job_title"))
    if len(d["job_title"]) > 100:
        r.reasons.append(_("“%(field)s” is too long.") % {"field": HEADERS["job_title"]})
    status_text = values.compact(raw.get("status"))
    d["status"] = STATUS_NAMES.get(status_text, MemberStatus.NORMAL)
    if status_text and status_text not in STATUS_NAMES:
        r.reasons.append(_("Unknown status “%(value)s”.") % {"value": status_text})
    _check_organisation(r, raw, orgs)
    return r


def _check_party_dates(r: RowResult, days: dict, values_: dict) -> None:
    d = r.data
    join, full, birth = d["join_date"], d["full_date"], d["birth_date"]
    category = d.get("category")
    if category in (MemberCategory.PROBATIONARY, MemberCategory.FULL) and not join:
        r.reasons.append(_("A party member needs the join date (入党日期)."))
    if category == MemberCategory.PROBATIONARY and full:
        r.reasons.append(
            _("A probationary member has no full-membership date (转正日期): clear it or change the category.")
        )
    if category == MemberCategory.FULL and not full:
        r.reasons.append(_("A full member needs the full-membership date (转正日期)."))
    if category not in (MemberCategory.PROBATIONARY, MemberCategory.FULL, None) and (join or full):
        r.reasons.append(_("Someone in development has no join or full-membership date yet."))
    if join and birth and join < _add_years(birth, ADULT_YEARS):
        r.reasons.append(_("Joined on %(date)s, before turning 18 (born %(birth)s).") % {"date": join, "birth": birth})
    if join and full:
        if full <= join:
            r.reasons.append(_("The full-membership date is before the join date."))
            return
        months = values_.get("development.probation.months", 12)
        low = rules.add_months(join, months + values_.get("development.extension.min_months", 6))
        high = rules.add_months(join, months + values_.get("development.extension.max_months", 12))
        expected = rules.add_months(join, months)
        month_only = (days["join_date"] and days["join_date"].month_only) or (
            days["full_date"] and days["full_date"].month_only
        )
        on_time = full == expected or (month_only and (full.year, full.month) == (expected.year, expected.month))
        if not on_time and not (low <= full <= high):
            r.warnings.append(
                _(
                    "Full-membership date %(full)s is not one year after joining (%(expected)s), nor 18–24 months "
                    "after it (an extended probation): confirm it is right."
                )
                % {"full": full, "expected": expected}
            )


def _check_organisation(r: RowResult, raw: dict, orgs: dict) -> None:
    d = r.data
    label = norm_label(raw.get("organization"))
    d["organization"] = d["party_group"] = None
    if not label:
        r.reasons.append(_("“%(col)s” is empty.") % {"col": HEADERS["organization"]})
        return
    org = orgs.get(label)
    if org is None:
        r.reasons.append(
            _("Unknown organisation “%(org)s”, or outside what you manage (see the sheet 党组织).") % {"org": label}
        )
        return
    if org.kind == OrganizationKind.GROUP:
        d["organization"], d["party_group"] = org.parent, org
    elif org.kind == OrganizationKind.BRANCH:
        d["organization"] = org
    else:
        r.reasons.append(
            _("“%(org)s” is not a branch (党支部): members belong to a branch; write the branch's name.")
            % {"org": org.name}
        )
        return
    group_label = norm_label(raw.get("party_group"))
    if group_label:
        group = orgs.get(group_label) or orgs.get(f"{norm_label(d['organization'].name)}/{group_label}")
        if group is None or group.kind != OrganizationKind.GROUP or group.parent_id != d["organization"].pk:
            r.reasons.append(
                _("Party group “%(group)s” is not a group of %(branch)s.")
                % {"group": group_label, "branch": d["organization"].name}
            )
        else:
            d["party_group"] = group
