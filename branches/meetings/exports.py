"""Minutes as Word (.docx) in the usual layout; the ledger (台账) as Excel."""

from __future__ import annotations

import io

from django.utils import timezone

from ..models import AttendanceStatus, MeetingKind, MeetingStatus


def _names(meeting, status):
    return "、".join(a.member.name for a in meeting.attendances.all() if a.status == status) or "无"


def minutes_docx(meeting) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{meeting.organization.name}{MeetingKind(meeting.kind).label}会议记录")
    run.bold = True
    run.font.size = Pt(18)
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    leave = "、".join(
        f"{a.member.name}（{a.leave_reason}）" for a in meeting.attendances.all() if a.status == AttendanceStatus.LEAVE
    )
    rows = [
        ("会议名称", meeting.title),
        ("会议时间", f"{start:%Y年%m月%d日 %H:%M}—{end:%H:%M}"),
        ("会议地点", meeting.place or ""),
        ("主持人", meeting.host.name if meeting.host else ""),
        ("记录人", meeting.recorder.name if meeting.recorder else ""),
        ("应到人数", str(len(meeting.attendances.all()))),
        ("实到人员", _names(meeting, AttendanceStatus.PRESENT)),
        ("请假人员", leave or "无"),
        ("缺席人员", _names(meeting, AttendanceStatus.ABSENT)),
    ]
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for i, (k, v) in enumerate(rows):
        table.cell(i, 0).text = k
        table.cell(i, 1).text = v
    doc.add_heading("会议议题", level=2)
    for i, t in enumerate(meeting.topics.all(), start=1):
        text = f"{i}. {t.title}"
        if t.is_first_topic:
            text = f"{i}. 【第一议题】{t.title}" + (f"（学习材料：{t.material}）" if t.material else "")
        doc.add_paragraph(text)
    doc.add_heading("会议内容", level=2)
    for line in (meeting.minutes or "").splitlines() or [""]:
        doc.add_paragraph(line)
    if meeting.resolutions:
        doc.add_heading("会议决议", level=2)
        for line in meeting.resolutions.splitlines():
            doc.add_paragraph(line)
    if meeting.kind == MeetingKind.ORG_LIFE:
        doc.add_heading("问题清单", level=2)
        for line in meeting.problems.splitlines():
            doc.add_paragraph(line)
        doc.add_heading("整改清单", level=2)
        for line in meeting.rectifications.splitlines():
            doc.add_paragraph(line)
    if meeting.kind == MeetingKind.DEMOCRATIC_REVIEW:
        doc.add_heading("评议结果", level=2)
        for a in meeting.attendances.all():
            if a.grade:
                doc.add_paragraph(f"{a.member.name}：{a.get_grade_display()}")
    sign = doc.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.add_run(f"主持人签字：________    记录人签字：________    第{meeting.version}版")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


LEDGER_HEAD = [
    "序号",
    "党组织",
    "会议类型",
    "会议名称",
    "时间",
    "地点",
    "应到",
    "实到",
    "请假",
    "缺席",
    "第一议题",
    "状态",
    "提交时间",
]


def ledger_xlsx(queryset, period, organization=None) -> bytes:
    from django.db.models import Count, Q

    from ..documents import xlsx

    qs = (
        queryset.select_related("organization")
        .prefetch_related("topics")
        .annotate(
            n_all=Count("attendances", distinct=True),
            n_present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT), distinct=True),
            n_leave=Count("attendances", filter=Q(attendances__status=AttendanceStatus.LEAVE), distinct=True),
            n_absent=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ABSENT), distinct=True),
        )
        .order_by("organization__path", "start")
    )
    book = xlsx.Book()
    ws = book.sheet(
        f"台账{period.key}",
        LEDGER_HEAD,
        title=f"组织生活台账（{period.label}）",
        organization=organization.name if organization else "",
        widths=[6, 24, 14, 30, 17, 16, 6, 6, 6, 6, 36, 8, 17],
        landscape=True,
        title_row=True,
    )
    for i, m in enumerate(qs, start=1):
        first = next((t for t in m.topics.all() if t.is_first_topic), None)
        ws.append(
            [
                i,
                m.organization.name,
                str(MeetingKind(m.kind).label),
                m.title,
                m.start,
                m.place,
                m.n_all,
                m.n_present,
                m.n_leave,
                m.n_absent,
                (f"{first.title}（{first.material}）" if first else ""),
                str(MeetingStatus(m.status).label),
                m.submitted_at,
            ]
        )
    return book.bytes()
