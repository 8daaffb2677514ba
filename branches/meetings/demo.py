"""Two years of meetings with attendance and realistic gaps (bulk inserts; city scale in minutes)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone

from ..bulk import insert_rows
from ..models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingStatus, Member, Topic
from ..models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES
from ..periods import period_containing

FIRST_TOPIC_KINDS = {"member_assembly", "committee", "group"}
MATERIALS = [
    "习近平总书记在中央政治局集体学习时的重要讲话",
    "习近平总书记关于党的建设的重要思想",
    "习近平总书记在全国组织工作会议上的重要讲话",
    "习近平总书记关于加强机关党建的重要论述",
    "习近平总书记最新重要讲话和重要指示批示精神",
]
TOPICS = {
    "member_assembly": ["讨论发展党员事项", "通报支部工作情况", "选举产生支部委员会"],
    "committee": ["研究本月党建工作安排", "讨论主题党日活动方案", "研究党员教育管理事项"],
    "group": ["交流学习心得", "通报小组工作"],
    "lecture": ["书记讲党课：坚定理想信念", "专题党课：弘扬伟大建党精神", "党课：严守纪律规矩"],
    "theme_day": ["重温入党誓词", "参观红色教育基地", "志愿服务进社区", "集中学习党章"],
    "org_life": ["开展批评和自我批评", "对照检查发言"],
    "democratic_review": ["民主评议党员"],
}
PLACES = ["机关三楼会议室", "党员活动室", "五楼小会议室", "红色教育基地"]


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed(ctx) -> None:
    rng = ctx.rng
    data = ctx.data
    branches = data["branches"]
    demo_branch = data["demo_branch"]
    today = timezone.localdate()
    years = ctx.size.get("years", 2)
    start_month = period_containing("month", today.replace(day=1) - datetime.timedelta(days=365 * years - 31))

    people = defaultdict(list)
    for m in data["members"]:
        if m.category in PARTY_MEMBER_CATEGORIES and m.status in ACTIVE_STATUSES:
            people[m.organization_id].append(m)
    groups_of = defaultdict(list)
    for g in data["groups"]:
        groups_of[g.parent_id].append(g.pk)

    plans = []  # (meeting, attendee members, committee ids)
    for branch in branches:
        diligent = branch.pk == demo_branch.pk or rng.random() < 0.55
        miss = 0.03 if diligent else 0.2
        members = people.get(branch.pk, [])
        committee = members[:5]
        month = start_month
        while month.start <= today:
            events = [("committee", 1), ("theme_day", 1)]
            if groups_of.get(branch.pk):
                events.append(("group", 1))
            if month.start.month in (3, 6, 9, 12) or month.start.month in (2, 5, 8, 11) and rng.random() < 0.3:
                events += [("member_assembly", 1), ("lecture", 1)]
            if month.start.month == 12:
                events += [("org_life", 1), ("democratic_review", 1)]
            for kind, _n in events:
                if rng.random() < miss:
                    continue
                day = month.start + datetime.timedelta(days=rng.randint(2, month.end.day - 2))
                if day >= today:
                    continue
                hour = rng.choice([9, 10, 14, 15])
                status = MeetingStatus.SUBMITTED
                if day > today - datetime.timedelta(days=10) and rng.random() < 0.4:
                    status = MeetingStatus.DRAFT
                elif rng.random() < 0.01:
                    status = MeetingStatus.CANCELLED
                first = kind in FIRST_TOPIC_KINDS and rng.random() > (0.02 if diligent else 0.12)
                meeting = Meeting(
                    organization_id=branch.pk,
                    kind=kind,
                    title=f"{month.start.month}月{MeetingKind(kind).label}",
                    start=_at(day, hour),
                    end=_at(day, hour + 2),
                    place=rng.choice(PLACES),
                    host_id=committee[0].pk if committee else None,
                    recorder_id=committee[1].pk if len(committee) > 1 else None,
                    status=status,
                    minutes="会议由支部书记主持。与会同志认真学习，结合工作实际交流发言，会议形成一致意见。",
                    resolutions="按会议部署抓好落实。",
                    problems="理论学习不够深入\n联系群众不够紧密" if kind == "org_life" else "",
                    rectifications="制定学习计划，每月集中学习\n每季度开展走访" if kind == "org_life" else "",
                    has_first_topic=first,
                    signin_code=f"{rng.randint(0, 999999):06d}",
                    submitted_at=_at(day, hour + 3) if status == MeetingStatus.SUBMITTED else None,
                )
                attendees = committee if kind == "committee" else members
                if kind == "group":
                    gid = rng.choice(groups_of[branch.pk])
                    attendees = [m for m in members if m.party_group_id == gid] or members
                plans.append((meeting, attendees, {c.pk for c in committee}, first))
            month = month.next()
    meetings = Meeting.objects.bulk_create([p[0] for p in plans], batch_size=2000)
    attendance, topics = [], []
    for meeting, (_m, attendees, committee_ids, first) in zip(meetings, plans, strict=True):
        review = meeting.kind == "democratic_review"
        for person in attendees:
            roll = rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.86
                else AttendanceStatus.LEAVE
                if roll < 0.96
                else AttendanceStatus.ABSENT
            )
            grade = ""
            if review and person.category == "full":
                grade = "excellent" if rng.random() < 0.2 else "qualified"
            attendance.append(
                (
                    meeting.pk,
                    person.pk,
                    str(status),
                    "因公出差" if status == AttendanceStatus.LEAVE else "",
                    person.pk in committee_ids,
                    grade,
                )
            )
        order = 1
        if first:
            topics.append(
                (meeting.pk, order, "第一议题：学习习近平总书记最新重要讲话精神", True, rng.choice(MATERIALS))
            )
            order += 1
        topics.append((meeting.pk, order, rng.choice(TOPICS.get(meeting.kind, ["工作交流"])), False, ""))
    # Plain executemany: hundreds of thousands of rows at city scale, far quicker than model instances.
    insert_rows(Attendance, ["meeting_id", "member_id", "status", "leave_reason", "is_committee", "grade"], attendance)
    insert_rows(Topic, ["meeting_id", "order", "title", "is_first_topic", "material"], topics)
    _today_meeting(ctx)
    ctx.log(f"  meetings: {len(meetings)} over {years} years, {len(attendance)} attendance rows")


def _today_meeting(ctx) -> None:
    """A theme party day under way today in the demo branch: members see it in 我的待办 to sign in."""
    branch = ctx.data["demo_branch"]
    now = timezone.localtime()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(day_start, now - datetime.timedelta(minutes=30))
    end = min(day_start + datetime.timedelta(hours=23, minutes=59), start + datetime.timedelta(hours=2))
    meeting = Meeting.objects.create(
        organization=branch,
        kind="theme_day",
        title=f"{now.month}月主题党日（今日）",
        start=start,
        end=end,
        place=PLACES[0],
        status=MeetingStatus.PLANNED,
        signin_code=f"{now:%m%d}{branch.pk % 100:02d}",  # no draw from ctx.rng: the later seeders stay as they were
    )
    people = Member.objects.filter(organization=branch, status="normal").values_list("pk", flat=True)
    Attendance.objects.bulk_create(Attendance(meeting=meeting, member_id=pk) for pk in people)
