"""Meeting minutes (会议记录) as an official document: .docx and PDF from the same source."""

from __future__ import annotations

from django.utils import timezone, translation

from ..documents import official as o
from ..models import AttendanceStatus, MeetingKind

NUMERALS = "一二三四五六七八九十"


def kind_label(kind: str) -> str:
    with translation.override("zh-hans"):
        return str(MeetingKind(kind).label)


def minutes_title(meeting) -> str:
    """Unit and organisation, then the kind once: 甲局第一党支部支部委员会会议记录 (never 会议会议)."""
    org = meeting.organization
    unit = getattr(org, "unit", None)
    name = org.name if unit is None or org.name.startswith(unit.name) else f"{unit.name}{org.name}"
    label = kind_label(meeting.kind)
    return f"{name}{label}记录" if label.endswith(("会议", "会")) else f"{name}{label}会议记录"


def _people(attendances, status) -> list:
    return [a for a in attendances if a.status == status]


def minutes_document(meeting) -> o.OfficialDocument:
    attendances = list(meeting.attendances.all())
    present = _people(attendances, AttendanceStatus.PRESENT)
    leave = _people(attendances, AttendanceStatus.LEAVE)
    absent = _people(attendances, AttendanceStatus.ABSENT)
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    when = f"{o.cn_date(start)} {start:%H:%M}—{end:%H:%M}"

    def names(people, reasons=False):
        if not people:
            return "无"
        return "、".join(
            f"{a.member.name}（{a.leave_reason}）" if reasons and a.leave_reason else a.member.name for a in people
        )

    blocks = [
        o.Table(
            ["项目", "内容"],
            [
                ["会议名称", meeting.title],
                ["会议时间", when],
                ["会议地点", meeting.place or ""],
                ["主持人", meeting.host.name if meeting.host else ""],
                ["记录人", meeting.recorder.name if meeting.recorder else ""],
                [
                    "出席情况",
                    f"应到{len(attendances)}人，实到{len(present)}人，请假{len(leave)}人，缺席{len(absent)}人",
                ],
                ["实到人员", names(present)],
                ["请假人员", names(leave, reasons=True)],
                ["缺席人员", names(absent)],
            ],
            widths=[1, 4],
        )
    ]
    sections = []
    topics = list(meeting.topics.all())
    first = [t for t in topics if t.is_first_topic]
    if first:
        sections.append(
            (
                "第一议题",
                [f"学习内容：{t.title}" + (f"（学习材料：{t.material}）" if t.material else "") for t in first],
            )
        )
    others = [t for t in topics if not t.is_first_topic]
    if others:
        sections.append(("会议议题", [f"{i}. {t.title}" for i, t in enumerate(others, start=1)]))
    sections.append(("会议内容", (meeting.minutes or "").splitlines() or ["（无）"]))
    if meeting.resolutions:
        sections.append(("会议决议", meeting.resolutions.splitlines()))
    if meeting.kind == MeetingKind.ORG_LIFE:
        sections.append(("问题清单", meeting.problems.splitlines() or ["（无）"]))
        sections.append(("整改清单", meeting.rectifications.splitlines() or ["（无）"]))
    if meeting.kind == MeetingKind.DEMOCRATIC_REVIEW:
        sections.append(("评议结果", [f"{a.member.name}：{a.get_grade_display()}" for a in attendances if a.grade]))
    for i, (heading, lines) in enumerate(sections):
        blocks.append(o.H1(f"{NUMERALS[i]}、{heading}"))
        blocks.extend(o.P(line) for line in lines if line.strip())
    blocks.append(o.Signatures(["记录人（签字）", "主持人（签字）"]))
    if meeting.version > 1:
        blocks.append(o.P(f"（第{meeting.version}版）", indent=False, align="right"))
    return o.OfficialDocument(
        kind="minutes",
        title=minutes_title(meeting),
        subtitle=when,
        blocks=blocks,
    )


def minutes_filename(meeting) -> str:
    return f"{timezone.localtime(meeting.start):%Y%m%d}-{minutes_title(meeting)}"
