"""Documents about members: the transfer letter (组织关系介绍信) and the development-candidate
public notice (发展党员公示). Built as ``OfficialDocument``s; laid out by ``word``/``pdf``."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .. import rules
from ..models import MemberCategory
from ..models.members import Gender
from . import official as o

CATEGORY_TEXT = {MemberCategory.FULL: "正式", MemberCategory.PROBATIONARY: "预备"}
GENDER_TEXT = {Gender.MALE: "男", Gender.FEMALE: "女"}


def _age(birth: datetime.date | None, on: datetime.date) -> str:
    if not birth:
        return "  "
    return str(on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)))


def transfer_letter(letter) -> o.OfficialDocument:
    """存根, 介绍信 and 回执 on one sheet, cut apart along the dashed lines; each part carries the number."""
    m = letter.member
    number = f"第{letter.letter_number or letter.pk}号"
    days = (letter.expires_on - letter.issued_on).days
    kind = CATEGORY_TEXT.get(m.category, "")
    from_name, to_name = letter.from_org.name, letter.to_org.name
    stub = [
        o.Part("中国共产党党员组织关系介绍信（存根）", number),
        o.P(f"{m.name}同志，系中共{kind}党员，组织关系由{from_name}转到{to_name}。"),
        o.P(f"（有效期{days}天，至{o.cn_date(letter.expires_on)}）", indent=True),
        o.Closing("", letter.issued_on),
    ]
    body = [
        o.CutLine("（剪切线）"),
        o.Part("中国共产党党员组织关系介绍信", number),
        o.P(f"{to_name}：", indent=False, align="left"),
        o.P(
            f"兹介绍{m.name}同志（{GENDER_TEXT.get(m.gender, '  ')}，{_age(m.birth_date, letter.issued_on)}岁，"
            f"{m.ethnicity or '  '}），系中共{kind}党员，身份证号码{m.id_number_masked}，"
            f"由{from_name}去{to_name}，请转接组织关系。" + (f"转接原因：{letter.reason}。" if letter.reason else "")
        ),
        o.P("该同志党费已交到    年  月。"),
        o.P(f"（有效期{days}天）"),
        o.Closing(from_name, letter.issued_on, seal_note="（盖章）"),
    ]
    receipt = [
        o.CutLine("（剪切线）"),
        o.Part("中国共产党党员组织关系介绍信（回执）", number),
        o.P(f"{from_name}：", indent=False, align="left"),
        o.P(f"{m.name}同志的党员组织关系已转达我处，特此回复。"),
        o.Closing(to_name, None, seal_note="（盖章）"),
    ]
    return o.OfficialDocument(kind="transfer_letter", title="", blocks=stub + body + receipt)


def public_notice(member, *, start: datetime.date, steps: dict) -> o.OfficialDocument:
    """关于拟发展X同志为中共预备党员的公示 (《中国共产党发展党员工作细则》第二十二条)."""
    from ..calendar import WorkCalendar
    from ..development import public_notice_end

    days = rules.value("development.public_notice.min_days")
    # The same end the register enforces: working days on the holiday calendar (holidays, 调休).
    end = public_notice_end(start, {"development.public_notice.min_days": days}, WorkCalendar())
    org = member.organization
    rows = [
        ["姓名", member.name, "性别", GENDER_TEXT.get(member.gender, "")],
        [
            "民族",
            member.ethnicity or "",
            "出生年月",
            f"{member.birth_date.year}年{member.birth_date.month}月" if member.birth_date else "",
        ],
        [
            "学历",
            member.education or "",
            "工作单位及职务",
            " ".join(x for x in (member.unit.name if member.unit else "", member.job_title) if x),
        ],
        [
            "申请入党时间",
            o.cn_date(steps.get("application")) if steps.get("application") else "",
            "确定为入党积极分子时间",
            o.cn_date(steps.get("activist")) if steps.get("activist") else "",
        ],
        [
            "确定为发展对象时间",
            o.cn_date(steps.get("candidate")) if steps.get("candidate") else "",
            "所在党支部",
            org.name,
        ],
    ]
    blocks = [
        o.P(
            f"根据《中国共产党章程》和《中国共产党发展党员工作细则》有关规定，经{org.name}研究，"
            f"拟接收{member.name}同志为中共预备党员，现将有关情况予以公示。"
        ),
        o.Table(["项目", "内容", "项目", "内容"], [[str(v) for v in r] for r in rows], widths=[2, 3, 2, 3]),
        o.P(f"公示时间：{o.cn_date(start)}至{o.cn_date(end)}（{days}个工作日）。"),
        o.P(
            "公示期间，党员和群众可通过来电、来信、来访等方式，向党支部或上级党组织反映公示对象的情况和问题。"
            "反映问题应实事求是，以个人名义反映的请提供真实姓名和联系方式。"
        ),
    ]
    return o.OfficialDocument(
        kind="public_notice",
        title=f"关于拟发展{member.name}同志为中共预备党员的公示",
        blocks=blocks,
        signature=org.name,
        date=start,
    )


def today() -> datetime.date:
    return timezone.localdate()
