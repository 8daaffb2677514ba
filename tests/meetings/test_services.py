import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from branches import audit, events
from branches.meetings import services
from branches.models import (
    AttendanceStatus,
    AuditEntry,
    Meeting,
    MeetingSettings,
    MeetingStatus,
    MemberCategory,
)

from .factories import add_members, at, held_meeting

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 6)


def _plan(world, kind="committee", **extra):
    return services.plan_meeting(
        actor=world.secretary,
        organization=world.branch_a1,
        kind=kind,
        title="五月支委会",
        start=at(DAY, 9),
        end=at(DAY, 11),
        place="三楼会议室",
        **extra,
    )


def _fill(world, meeting, present, committee=None, topics=None):
    rows = list(meeting.attendances.all())
    committee = committee if committee is not None else [r.member_id for r in rows]
    attendance = {
        r.member_id: {
            "status": AttendanceStatus.PRESENT if r.member_id in present else AttendanceStatus.ABSENT,
            "is_committee": r.member_id in committee,
        }
        for r in rows
    }
    return services.save_record(
        actor=world.secretary,
        meeting=meeting,
        fields={"minutes": "讨论了工作"},
        attendance=attendance,
        topics=topics
        if topics is not None
        else [{"title": "学习讲话", "is_first_topic": True, "material": "重要讲话"}],
    )


def test_planning_fills_the_expected_attendees_from_the_register(world):
    add_members(world.branch_a1, 2)
    add_members(world.branch_a1, 1, category=MemberCategory.ACTIVIST, prefix="积极分子")
    meeting = _plan(world)
    names = sorted(meeting.attendances.values_list("member__name", flat=True))
    assert names == ["member-党员", "secretary-党员", "党员0", "党员1"]
    assert len(meeting.signin_code) == 6
    assert AuditEntry.objects.filter(action="meeting.plan", object_id=str(meeting.pk)).exists()


def test_the_notice_goes_to_attendees_after_commit(world, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, **kw):
        received.append(kw)

    events.notify.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _plan(world, send_notice=True)
    finally:
        events.notify.disconnect(listener)
    assert received and received[0]["kind"] == "meetings.notice"
    assert set(received[0]["recipients"]) == {world.secretary.pk, world.member.pk}


def test_a_secretary_cannot_plan_for_the_sibling_branch(world):
    with pytest.raises(PermissionDenied):
        services.plan_meeting(
            actor=world.secretary,
            organization=world.branch_a2,
            kind="committee",
            title="x",
            start=at(DAY),
            end=at(DAY, 10),
        )


def test_a_meeting_must_end_after_it_starts(world):
    with pytest.raises(ValidationError):
        services.plan_meeting(
            actor=world.secretary,
            organization=world.branch_a1,
            kind="committee",
            title="x",
            start=at(DAY, 10),
            end=at(DAY, 9),
        )


def test_a_committee_meeting_without_quorum_cannot_be_submitted(world):
    add_members(world.branch_a1, 2)
    meeting = _plan(world)
    ids = list(meeting.attendances.values_list("member_id", flat=True))
    meeting = _fill(world, meeting, present=ids[:2], committee=ids)  # 2 of 4
    with pytest.raises(ValidationError) as exc:
        services.submit_meeting(actor=world.secretary, meeting=meeting, now=at(DAY, 12))
    assert any("委员应到 4 人，实到 2 人" in m for m in exc.value.messages)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.DRAFT


def test_the_secretary_removes_people_who_are_not_expected(world):
    add_members(world.branch_a1, 2)
    meeting = _plan(world)
    ids = list(meeting.attendances.values_list("member_id", flat=True))
    services.save_record(actor=world.secretary, meeting=meeting, attendance={ids[0]: {"remove": True}})
    assert sorted(meeting.attendances.values_list("member_id", flat=True)) == sorted(ids[1:])


def test_a_committee_meeting_with_more_than_half_of_the_committee_is_submitted(world):
    add_members(world.branch_a1, 2)
    meeting = _plan(world)
    ids = list(meeting.attendances.values_list("member_id", flat=True))
    meeting = _fill(world, meeting, present=ids[:2], committee=ids[:3])  # 2 of 3
    meeting = services.submit_meeting(actor=world.secretary, meeting=meeting, now=at(DAY, 12))
    assert meeting.status == MeetingStatus.SUBMITTED and meeting.submitted_by == world.secretary


def test_a_general_meeting_needs_more_than_half_of_members(world):
    add_members(world.branch_a1, 4)
    meeting = _plan(world, kind="member_assembly")
    ids = list(meeting.attendances.values_list("member_id", flat=True))
    meeting = _fill(world, meeting, present=ids[:3])  # 3 of 6
    with pytest.raises(ValidationError) as exc:
        services.submit_meeting(actor=world.secretary, meeting=meeting, now=at(DAY, 12))
    assert any("至少 4 人" in m for m in exc.value.messages)


def test_a_missing_first_topic_stops_submission_where_the_rule_requires_it(world):
    meeting = _plan(world)
    ids = list(meeting.attendances.values_list("member_id", flat=True))
    meeting = _fill(world, meeting, present=ids, topics=[{"title": "工作安排"}])
    with pytest.raises(ValidationError) as exc:
        services.submit_meeting(actor=world.secretary, meeting=meeting, now=at(DAY, 12))
    assert any("第一议题" in m for m in exc.value.messages)


def test_a_party_lecture_needs_no_first_topic(world):
    meeting = _plan(world, kind="lecture")
    ids = list(meeting.attendances.values_list("member_id", flat=True))
    meeting = _fill(world, meeting, present=ids, topics=[{"title": "党课：党史"}])
    assert services.submit_meeting(actor=world.secretary, meeting=meeting, now=at(DAY, 12)).status == "submitted"


def test_leave_needs_a_reason(world):
    meeting = _plan(world, kind="lecture")
    rows = list(meeting.attendances.all())
    services.save_record(
        actor=world.secretary,
        meeting=meeting,
        fields={"minutes": "m"},
        attendance={rows[0].member_id: {"status": "leave", "leave_reason": ""}},
        topics=[{"title": "党课"}],
    )
    assert any("请假原因" in p for p in services.problems(meeting))


def test_a_submitted_meeting_cannot_be_edited_as_a_draft(world):
    add_members(world.branch_a1, 1)
    meeting = held_meeting(world.branch_a1, "committee", DAY)
    with pytest.raises(ValidationError):
        services.save_record(actor=world.secretary, meeting=meeting, fields={"minutes": "changed"})


def test_a_correction_keeps_the_old_version_and_the_reason(world):
    add_members(world.branch_a1, 1)
    meeting = held_meeting(world.branch_a1, "committee", DAY)
    meeting = services.correct_meeting(
        actor=world.secretary, meeting=meeting, reason="记录有误", fields={"minutes": "更正后的记录"}
    )
    assert meeting.version == 2 and meeting.minutes == "更正后的记录"
    old = meeting.versions.get()
    assert old.number == 1 and old.reason == "记录有误" and old.data["minutes"] == "会议记录"


def test_a_correction_before_the_lock_is_also_kept_as_a_version(world):
    add_members(world.branch_a1, 1)
    meeting = held_meeting(world.branch_a1, "committee", DAY)
    meeting = services.correct_meeting(
        actor=world.secretary,
        meeting=meeting,
        reason="当天补充",
        fields={"minutes": "当天补充"},
        now=meeting.submitted_at + datetime.timedelta(days=1),
    )
    assert (
        meeting.version == 2 and meeting.minutes == "当天补充" and meeting.versions.get().data["minutes"] == "会议记录"
    )
    assert AuditEntry.objects.filter(action="meeting.correct", object_id=str(meeting.pk)).exists()


def test_a_correction_needs_a_reason(world):
    add_members(world.branch_a1, 1)
    meeting = held_meeting(world.branch_a1, "committee", DAY)
    with pytest.raises(ValidationError):
        services.correct_meeting(actor=world.secretary, meeting=meeting, reason=" ", fields={"minutes": "x"})


def test_the_lock_period_is_configurable(world):
    add_members(world.branch_a1, 1)
    meeting = held_meeting(world.branch_a1, "committee", DAY)
    settings_row = MeetingSettings.current()
    assert not services.is_locked(meeting, now=meeting.submitted_at + datetime.timedelta(days=6))
    assert services.is_locked(meeting, now=meeting.submitted_at + datetime.timedelta(days=7))
    settings_row.lock_days = 30
    settings_row.save()
    assert not services.is_locked(meeting, now=meeting.submitted_at + datetime.timedelta(days=7))


def test_members_sign_in_with_the_code_during_the_meeting_only(world):
    meeting = _plan(world)
    with pytest.raises(ValidationError):
        services.self_sign_in(actor=world.member, code=meeting.signin_code, now=at(DAY, 7))
    with pytest.raises(ValidationError):
        services.self_sign_in(actor=world.member, code=meeting.signin_code, now=at(DAY, 12))
    services.self_sign_in(actor=world.member, code=meeting.signin_code.lower(), now=at(DAY, 9, 5))
    row = meeting.attendances.get(member=world.members["member"])
    assert row.status == AttendanceStatus.PRESENT and row.signed_in_at is not None


def test_a_member_of_another_branch_cannot_sign_in_with_the_code(world):
    meeting = _plan(world)
    with pytest.raises(ValidationError):
        services.self_sign_in(actor=world.outsider, code=meeting.signin_code, now=at(DAY, 9, 5))


def _review(world, grades):
    meeting = _plan(world, kind="democratic_review")
    rows = {r.member.name: r for r in meeting.attendances.select_related("member")}
    attendance = {r.member_id: {"status": "present", "grade": grades.get(name, "")} for name, r in rows.items()}
    return services.save_record(
        actor=world.secretary,
        meeting=meeting,
        fields={"minutes": "评议"},
        attendance=attendance,
        topics=[{"title": "民主评议"}],
    )


def test_democratic_review_refuses_more_than_one_third_excellent(world):
    add_members(world.branch_a1, 1)
    meeting = _review(world, {"member-党员": "excellent", "secretary-党员": "excellent", "党员0": "qualified"})
    with pytest.raises(ValidationError) as exc:
        services.submit_meeting(actor=world.secretary, meeting=meeting, now=at(DAY, 12))
    assert any("优秀等次过多" in m for m in exc.value.messages)


def test_democratic_review_skips_probationary_members(world):
    add_members(world.branch_a1, 1, category=MemberCategory.PROBATIONARY, prefix="预备")
    add_members(world.branch_a1, 1)
    full = {"member-党员": "excellent", "secretary-党员": "qualified", "党员0": "basic"}
    meeting = _review(world, {**full, "预备0": "qualified"})
    assert any("预备党员" in p for p in services.problems(meeting))
    meeting = _review(world, full)
    assert services.submit_meeting(actor=world.secretary, meeting=meeting, now=at(DAY, 12)).status == "submitted"


def test_an_org_life_meeting_needs_problem_and_rectification_lists(world):
    meeting = _plan(world, kind="org_life")
    problems = services.problems(meeting)
    assert any("问题清单" in p for p in problems) and any("整改清单" in p for p in problems)


def test_a_photo_gets_a_thumbnail_and_a_fake_image_is_refused(world, tmp_path, settings):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    meeting = _plan(world)
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), "red").save(buf, format="JPEG")
    att = services.add_attachment(
        actor=world.secretary, meeting=meeting, uploaded=SimpleUploadedFile("会场.jpg", buf.getvalue())
    )
    assert att.is_image and att.thumbnail
    with pytest.raises(ValidationError):
        services.add_attachment(
            actor=world.secretary, meeting=meeting, uploaded=SimpleUploadedFile("x.jpg", b"MZ not an image")
        )
    assert meeting.attachments.count() == 1


def test_the_system_actor_is_audited_by_name(world):
    add_members(world.branch_a1, 1)
    meeting = held_meeting(world.branch_a1, "committee", DAY)
    entry = AuditEntry.objects.filter(action="meeting.submit", object_id=str(meeting.pk)).get()
    assert entry.actor_name == audit.SYSTEM.username and entry.before["status"] == "draft"
