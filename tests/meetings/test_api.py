import datetime

import pytest

from .factories import add_members, held_meeting

pytestmark = pytest.mark.django_db


def test_the_meeting_api_gives_attendance_topics_and_the_first_topic(world, api_for):
    add_members(world.branch_a1, 1)
    meeting = held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6))
    data = api_for(world.secretary).get("/api/v1/meetings/?period=2026-05&kind=committee").json()
    row = data["results"][0]
    assert row["id"] == meeting.pk and row["organization"] == world.branch_a1.pk
    assert row["first_topic"] == {"title": "学习重要讲话", "material": "重要讲话精神"}
    assert {a["status"] for a in row["attendance"]} == {"present"} and len(row["attendance"]) == 3
    assert row["held_at"].startswith("2026-05-06T09:00")


def test_a_bad_period_is_a_json_message_not_an_error(world, api_for):
    response = api_for(world.secretary).get("/api/v1/meetings/?period=May")
    assert response.status_code == 400 and "2026-Q2" in response.json()["period"][0]
    response = api_for(world.secretary).get("/api/v1/meeting-compliance/?period=nonsense")
    assert response.status_code == 400


def test_the_compliance_endpoint_counts_like_the_service(world, api_for):
    add_members(world.branch_a1, 1)
    held_meeting(world.branch_a1, "committee", datetime.date(2025, 5, 6))
    data = api_for(world.unit_admin).get("/api/v1/meeting-compliance/?period=2025-05").json()
    by_org = {r["organization"]: r for r in data["results"]}
    assert set(by_org) == {world.unit_a.pk, world.branch_a1.pk, world.branch_a2.pk}
    a1 = by_org[world.branch_a1.pk]
    assert (a1["held"], a1["missing"], a1["first_topic_rate"]) == (1, 2, 100.0)


def test_a_plan_without_its_fields_names_each_missing_field(world, api_for):
    response = api_for(world.secretary).post("/api/v1/meetings/", {"title": "x"}, format="json")
    assert response.status_code == 400 and {"organization", "kind", "start", "end"} <= set(response.json())


def test_each_meeting_carries_its_own_attendance_in_the_list_and_the_detail(world, api_for):
    add_members(world.branch_a1, 2)
    first = held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6))
    second = held_meeting(world.branch_a1, "theme_day", datetime.date(2026, 5, 20))
    second.attendances.filter(member__name=second.attendances.last().member.name).update(
        status="leave", leave_reason="出差"
    )
    client = api_for(world.secretary)
    listed = {r["id"]: r["attendance"] for r in client.get("/api/v1/meetings/?period=2026-05").json()["results"]}
    for meeting in (first, second):
        expected = [(a.member_id, a.member.name, a.status) for a in meeting.attendances.all()]
        assert [(a["member"], a["name"], a["status"]) for a in listed[meeting.pk]] == expected
        detail = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
        assert detail["attendance"] == listed[meeting.pk]
    assert [a["leave_reason"] for a in listed[second.pk] if a["status"] == "leave"] == ["出差"]
    assert all(a["status"] == "present" for a in listed[first.pk])


def test_the_direct_representation_equals_drfs_field_by_field_one(world, rf):
    from rest_framework import serializers

    from branches.meetings.api import MeetingSerializer, attendance_of

    add_members(world.branch_a1, 2)
    meetings = [
        held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6)),
        held_meeting(world.branch_a1, "theme_day", datetime.date(2026, 5, 20), first_topic=False),
    ]
    serializer = MeetingSerializer(context={"attendance": attendance_of([m.pk for m in meetings])})
    for meeting in meetings:
        walked = serializers.ModelSerializer.to_representation(serializer, meeting)
        direct = serializer.to_representation(meeting)
        assert list(direct) == list(walked) and direct == dict(walked)
