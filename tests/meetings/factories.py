"""Helpers to build meetings in tests through the services."""

import datetime

from django.utils import timezone

from branches import audit
from branches.meetings import services
from branches.models import AttendanceStatus, Meeting, MeetingStatus, Member, MemberCategory


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def add_members(org, n, category=MemberCategory.FULL, prefix="党员"):
    return [Member.objects.create(organization=org, name=f"{prefix}{i}", category=category) for i in range(n)]


def held_meeting(org, kind, day, *, hour=9, status=MeetingStatus.SUBMITTED, first_topic=True, title=None):
    """A complete meeting, everybody present, committee = everybody; submitted unless told otherwise."""
    members = list(Member.objects.filter(organization=org).party_members())
    meeting = services.plan_meeting(
        actor=audit.SYSTEM,
        organization=org,
        kind=kind,
        title=title or f"{kind} {day}",
        start=at(day, hour),
        end=at(day, hour) + datetime.timedelta(hours=1),
        place="会议室",
        topics=[
            {"title": "学习重要讲话", "is_first_topic": first_topic, "material": "重要讲话精神" if first_topic else ""}
        ],
        committee_ids=[m.pk for m in members],
    )
    if status == MeetingStatus.PLANNED:
        return meeting
    meeting = services.save_record(
        actor=audit.SYSTEM,
        meeting=meeting,
        fields={"minutes": "会议记录", "problems": "问题一", "rectifications": "整改一"},
        attendance={m.pk: {"status": AttendanceStatus.PRESENT} for m in members},
    )
    if status == MeetingStatus.SUBMITTED:
        meeting = services.submit_meeting(actor=audit.SYSTEM, meeting=meeting, now=meeting.end)
    elif status == MeetingStatus.CANCELLED:
        meeting = services.cancel_meeting(actor=audit.SYSTEM, meeting=meeting)
    return Meeting.objects.get(pk=meeting.pk)
