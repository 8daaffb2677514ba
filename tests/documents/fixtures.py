"""The official documents built from fixed, in-memory data (same dates and names every run):
the PDFs compared with the checked-in references, the PNGs in docs/documents/."""

from __future__ import annotations

import datetime
from types import SimpleNamespace as NS

from django.utils import timezone

from branches import periods

TZ = timezone.get_fixed_timezone(480)
DAY = datetime.date(2026, 3, 5)


class Many(list):
    def all(self):
        return self


def _issue(actor, organization, kind, title, *, ref):
    """The number the explicit numbering action gives (the documents are built with it)."""
    from branches.documents import numbering

    return numbering.issue(actor=actor, organization=organization, kind=kind, ref=ref, title=title, day=DAY)


def _meta(label):
    return NS(label_lower=label)


def minutes(world=None):
    from branches.meetings.documents import minutes_document

    unit = NS(name="市发展改革委")
    org = NS(name="市发展改革委机关第一党支部", unit=unit)
    people = [NS(name=n) for n in ("张明", "李华", "王芳", "赵强", "陈静", "刘洋")]
    statuses = ["present", "present", "present", "present", "leave", "absent"]
    attendances = Many(
        NS(member=p, status=s, leave_reason="出差" if s == "leave" else "", grade="")
        for p, s in zip(people, statuses, strict=True)
    )
    meeting = NS(
        organization=org,
        kind="committee",
        title="三月支部委员会会议",
        start=datetime.datetime(2026, 3, 5, 9, 0, tzinfo=TZ),
        end=datetime.datetime(2026, 3, 5, 11, 0, tzinfo=TZ),
        place="三楼会议室",
        host=people[0],
        recorder=people[1],
        attendances=attendances,
        topics=Many(
            [
                NS(
                    title="学习习近平总书记关于机关党建的重要论述",
                    is_first_topic=True,
                    material="《论党的自我革命》第三章",
                ),
                NS(title="研究第一季度发展党员工作", is_first_topic=False, material=""),
            ]
        ),
        minutes="张明同志传达学习了有关精神。\n与会同志结合工作实际进行了交流发言。",
        resolutions="同意确定陈静同志为发展对象。\n按期报送第一季度党建工作台账。",
        problems="",
        rectifications="",
        version=1,
    )
    return minutes_document(meeting)


def bulletin(world, actor):
    from supervision.documents import bulletin_document
    from supervision.reports import Bulletin

    period = periods.parse("2026-02")
    org = NS(name="市发展改革委机关第一党支部")
    cards = [
        NS(
            organization=org,
            colour="yellow",
            get_colour_display=lambda: "黄牌",
            reason="整改逾期3个工作日",
            revoked_at=None,
            issued_at=datetime.datetime(2026, 2, 10, 17, 0, tzinfo=datetime.UTC),
        ),
    ]
    overdue = [
        NS(
            owner_org=org,
            finding=NS(category=NS(name="组织生活")),
            measures="补开支部委员会会议并完善记录",
            effective_deadline=datetime.date(2026, 2, 20),
            overdue_days=8,
        ),
    ]
    from supervision.documents import bulletin_ref, bulletin_title

    issued = _issue(actor, world.root, "bulletin", bulletin_title(period), ref=bulletin_ref(world.root, period))
    return bulletin_document(Bulletin(period=period, cards=cards, overdue=overdue), issuer=world.root, issued=issued)


def rectification(world, actor):
    from supervision.documents import rectification_notice

    rect = NS(
        _meta=_meta("supervision.rectification"),
        pk=1,
        owner_org=NS(name="市发展改革委机关第一党支部"),
        measures="1. 按月召开支部委员会会议。\n2. 会议记录当日录入门户。",
        effective_deadline=datetime.date(2026, 4, 3),
        finding=NS(
            category=NS(name="组织生活"),
            get_severity_display=lambda: "一般",
            description="2026年1月未召开支部委员会会议，会议记录不完整。",
            target=NS(task=NS(title="2026年第一季度组织生活专项督查", organization=world.root)),
        ),
    )
    issued = _issue(actor, world.root, "rectification", "整改通知书", ref=("supervision.rectification", "1"))
    return rectification_notice(rect, issued=issued)


def transfer_letter():
    from branches.documents.members import transfer_letter as build

    member = NS(
        name="王芳",
        gender="female",
        birth_date=datetime.date(1990, 6, 1),
        ethnicity="汉族",
        category="full",
        id_number_masked="110101********1234",
    )
    letter = NS(
        pk=7,
        member=member,
        letter_number="2026007",
        from_org=NS(name="市发展改革委机关第一党支部"),
        to_org=NS(name="市财政局机关第二党支部"),
        issued_on=DAY,
        expires_on=DAY + datetime.timedelta(days=90),
        reason="工作调动",
    )
    return build(letter)


def public_notice():
    from branches.documents.members import public_notice as build

    member = NS(
        name="陈静",
        gender="female",
        ethnicity="汉族",
        birth_date=datetime.date(1995, 8, 12),
        education="硕士研究生",
        unit=NS(name="市发展改革委"),
        job_title="科员",
        organization=NS(name="市发展改革委机关第一党支部"),
    )
    steps = {
        "application": datetime.date(2024, 3, 1),
        "activist": datetime.date(2024, 9, 1),
        "candidate": datetime.date(2025, 9, 15),
    }
    return build(member, start=DAY, steps=steps)


def result_notice(world, actor):
    from assessment.documents import result_notice as build

    cycle = NS(
        _meta=_meta("assessment.assessmentcycle"),
        pk=1,
        root=world.root,
        year=2025,
        notice_until=datetime.date(2026, 3, 12),
        appeal_until=datetime.date(2026, 3, 19),
    )
    parent = NS(name="市发展改革委机关党委")
    rows = [
        NS(
            grade_id=1,
            grade="四强",
            status="published",
            final_total=96.5,
            organization=NS(name="第一党支部", parent=parent),
        ),
        NS(
            grade_id=2,
            grade="达标",
            status="published",
            final_total=85.0,
            organization=NS(name="第二党支部", parent=parent),
        ),
    ]
    issued = _issue(actor, world.root, "assessment_result", "结果通知", ref=("assessment.assessmentcycle", "1"))
    return build(cycle, rows, issued=issued)


def annual_summary():
    from portal.documents import annual_summary_document

    def fig(label, value, unit="%"):
        return NS(label=label, display=f"{value:g}", unit=unit, last_year=value - 2)

    cols = [NS(label=f"指标{i}", unit="%") for i in range(1, 16)]
    board = NS(
        period=periods.parse("2025"),
        headline=[fig("组织生活达标率", 96.0), fig("第一议题落实率", 98.5), fig("学习完成率", 91.2)],
        ranking_columns=cols,
        ranking=[
            {
                "org": NS(name=f"第{n}党支部", label=f"第{n}党支部"),
                "figures": [NS(display=f"{90 + i * 0.5:g}") for i in range(15)],
            }
            for n in "一二三"
        ],
        grades={"year": 2025, "items": [{"label": "四强", "value": 12}, {"label": "达标", "value": 30}]},
        burndown=None,
        structure=[{"title": "性别", "buckets": [{"label": "男", "value": 120}, {"label": "女", "value": 98}]}],
    )
    return annual_summary_document(NS(name="市发展改革委机关党委"), board, today=DAY)


ALL = ["minutes", "bulletin", "rectification", "transfer_letter", "public_notice", "result_notice", "annual_summary"]


def build(name, world, actor):
    fn = globals()[name]
    return fn(world, actor) if name in ("bulletin", "rectification", "result_notice") else fn()
