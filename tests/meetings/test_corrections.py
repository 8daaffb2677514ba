"""Corrections of a submitted record: attendance, topics and place, each kept as a new version."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches import audit
from branches.meetings import services
from branches.models import AttendanceStatus, AuditEntry, Meeting
from tests.meetings.factories import add_members, held_meeting

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 6)


def _meeting(world):
    add_members(world.branch_a1, 3)
    return held_meeting(world.branch_a1, "committee", DAY)


def test_a_correction_after_submission_keeps_both_versions_and_shows_the_history(world, client_for):
    meeting = _meeting(world)
    absent = meeting.attendances.select_related("member").order_by("member__name").first()
    c = client_for(world.secretary)
    data = {"reason": "出勤记错了", "place": "二楼会议室", "minutes": "会议记录", "resolutions": ""}
    for a in meeting.attendances.all():
        data[f"att-{a.member_id}-status"] = "present"
        data[f"att-{a.member_id}-committee"] = "on"
    data[f"att-{absent.member_id}-status"] = "absent"
    data[f"att-{absent.member_id}-reason"] = "外出未请假"
    data.update({"topic-0-title": "学习重要讲话", "topic-0-first": "on", "topic-0-material": "重要讲话精神"})
    data.update({"topic-1-title": "研究发展党员"})
    response = c.post(reverse("meetings:meeting_correct", args=[meeting.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.version == 2 and meeting.place == "二楼会议室" and meeting.topics.count() == 2
    row = meeting.attendances.get(member_id=absent.member_id)
    assert (row.status, row.leave_reason) == (AttendanceStatus.ABSENT, "外出未请假")
    old = meeting.versions.get()
    assert old.number == 1 and old.data["place"] == "会议室" and len(old.data["topics"]) == 1
    assert {a["status"] for a in old.data["attendance"]} == {"present"}
    entry = AuditEntry.objects.filter(action="meeting.correct", object_id=str(meeting.pk)).get()
    assert entry.after["reason"] == "出勤记错了"
    page = c.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "出勤记错了" in page and "第 1 版" in page and "二楼会议室" in page


def test_a_correction_without_a_reason_is_refused_and_nothing_changes(world):
    meeting = _meeting(world)
    with pytest.raises(ValidationError):
        services.correct_meeting(actor=world.secretary, meeting=meeting, reason="", fields={"place": "别处"})
    meeting.refresh_from_db()
    assert meeting.place == "会议室" and meeting.version == 1 and not meeting.versions.exists()


def test_a_reason_for_absence_is_kept_and_a_reason_for_someone_present_is_refused(world):
    add_members(world.branch_a1, 2)
    meeting = held_meeting(world.branch_a1, "committee", DAY, status="planned")
    a, b = list(meeting.attendances.all())[:2]
    meeting = services.save_record(
        actor=audit.SYSTEM,
        meeting=meeting,
        attendance={a.member_id: {"status": "absent", "leave_reason": "值班"}},
    )
    assert meeting.attendances.get(pk=a.pk).leave_reason == "值班"
    with pytest.raises(ValidationError, match="记为出席"):
        services.save_record(
            actor=audit.SYSTEM,
            meeting=meeting,
            attendance={b.member_id: {"status": "present", "leave_reason": "出差"}},
        )


def test_a_member_who_signed_in_stays_present(world):
    from django.utils import timezone

    meeting = held_meeting(world.branch_a1, "committee", DAY, status="planned")
    row = meeting.attendances.get(member=world.members["member"])
    row.signed_in_at = timezone.now()
    row.save()
    with pytest.raises(ValidationError, match="已签到"):
        services.save_record(actor=audit.SYSTEM, meeting=meeting, attendance={row.member_id: {"status": "absent"}})


def test_the_host_or_recorder_marked_absent_is_warned_about(world):
    meeting = held_meeting(world.branch_a1, "committee", DAY, status="planned")
    host = world.members["secretary"]
    Meeting.objects.filter(pk=meeting.pk).update(host=host, recorder=world.members["member"])
    meeting = services.save_record(
        actor=audit.SYSTEM, meeting=meeting, attendance={host.pk: {"status": "leave", "leave_reason": "出差"}}
    )
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert services.warnings(meeting) == [f"主持人{host.name}未记为出席。"]


def test_a_committee_meeting_expects_the_committee_and_marks_everyone_present(world):
    from branches.models import CommitteePosition, CommitteeSeat, Term

    add_members(world.branch_a1, 5)
    term = Term.objects.create(organization=world.branch_a1, number=1, start=DAY, end=DAY.replace(year=2029))
    seat_holder = world.members["secretary"]
    CommitteeSeat.objects.create(term=term, member=seat_holder, position=CommitteePosition.objects.first(), start=DAY)
    from tests.meetings.factories import at

    def plan(kind):
        return services.plan_meeting(
            actor=audit.SYSTEM, organization=world.branch_a1, kind=kind, title=kind, start=at(DAY), end=at(DAY, 10)
        )

    rows = list(plan("committee").attendances.all())
    assert [(r.member_id, r.status, r.is_committee) for r in rows] == [(seat_holder.pk, "present", True)]
    assembly = plan("member_assembly")
    assert assembly.attendances.filter(status="present").count() == 7


def test_compliance_points_each_open_slot_to_its_draft_or_to_a_new_record_for_that_period(world, client_for):
    from branches import periods

    today = periods.today()
    month = periods.period_containing("month", today)
    last_month = month.previous()
    add_members(world.branch_a1, 2)
    draft = held_meeting(world.branch_a1, "committee", last_month.start, status="planned")
    c = client_for(world.secretary)
    page = c.get(reverse("meetings:compliance_card", args=[world.branch_a1.pk])).content.decode()
    # This month's committee meeting has no draft: a link to a new record for this period, kind prefilled.
    assert f"?org={world.branch_a1.pk}&kind=committee&period={month.key}" in page
    assert f"{month.label}支部委员会会议未召开，去录入" in page
    plan = c.get(reverse("meetings:meeting_plan") + f"?org={world.branch_a1.pk}&kind=committee&period={last_month.key}")
    form = plan.context["form"]
    assert form.initial["kind"] == "committee" and form.initial["organization"] == world.branch_a1.pk
    assert form.initial["start"].date() == last_month.end
    # Last month's has a draft (quarter card sees it): the link goes to the draft.
    quarter = periods.period_containing("quarter", today)
    if quarter.start <= last_month.start:
        assert reverse("meetings:meeting_record", args=[draft.pk]) in page
        assert f"{last_month.label}支部委员会会议草稿待提交" in page
