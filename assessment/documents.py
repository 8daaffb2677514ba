"""The four-strong result notice (“四强”党支部考评结果通知): a red-header document with its 文号."""

from __future__ import annotations

from branches.documents import official as o

from .models import AssessmentStatus

SHOWN = {AssessmentStatus.GRADED, AssessmentStatus.PUBLISHED, AssessmentStatus.FINAL}


def result_notice_title(cycle) -> str:
    return f"关于{cycle.year}年度“四强”党支部考评结果的通知"


def result_notice(cycle, assessments, *, issued=None) -> o.OfficialDocument:
    """The notice with its ``issued`` 发文字号 (``IssuedNumber``); without one it is a draft (no 文号, no date)."""
    issuer = cycle.root
    title = result_notice_title(cycle)
    graded = [a for a in assessments if a.grade_id and a.status in SHOWN]
    rows = [
        [
            str(i),
            a.organization.parent.name if a.organization.parent else "",
            a.organization.name,
            f"{float(a.final_total):g}" if a.final_total is not None else "",
            str(a.grade),
        ]
        for i, a in enumerate(graded, start=1)
    ]
    blocks = [
        o.P(
            f"根据{cycle.year}年度“四强”党支部考评工作安排，经党支部自评、上级党组织审核、综合评定，"
            f"现将考评结果通知如下。"
        ),
        o.Table(
            ["序号", "上级党组织", "党支部", "得分", "等次"],
            rows or [["", "", "（暂无已确定等次的党支部）", "", ""]],
            widths=[1, 4, 5, 1.6, 2],
        ),
        o.P(
            f"考评结果公示期至{o.cn_date(cycle.notice_until)}，对结果有异议的，可于{o.cn_date(cycle.appeal_until)}前"
            "向上级党组织提出申诉。"
        ),
        o.P("各党组织要以考评为契机，巩固成绩、补齐短板，持续推进党支部标准化规范化建设。"),
    ]
    return o.OfficialDocument(
        kind="assessment_result",
        title=title,
        mark=f"{issuer.name}文件",
        number=issued.number if issued else "",
        issuer=issuer.name,
        recipients="各党组织",
        blocks=blocks,
        signature=issuer.name,
        date=issued.issued_on if issued else None,
    )
