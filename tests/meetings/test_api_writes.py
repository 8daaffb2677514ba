"""Meetings through the API: every write the pages offer, as each persona, with the page's audit record."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from branches import audit
from branches.meetings import services
from branches.models import Meeting, MeetingStatus
from tests.parity import OUTSIDERS, assert_same_audit, mark, trail

pytestmark = pytest.mark.django_db

INSIDERS = ("secretary", "unit_admin", "committee")


def _png(name="会场.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), "green").save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _start():
    return timezone.localtime(timezone.now() - datetime.timedelta(minutes=30)).replace(second=0, microsecond=0)


def _planned(world, title="支委会"):
    start = _start()
    return services.plan_meeting(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        kind="committee",
        title=title,
        start=start,
        end=start + datetime.timedelta(hours=2),
        place="会议室",
    )


def _plan_fields(world):
    start = _start()
    return {
        "organization": world.branch_a1.pk,
        "kind": "committee",
        "title": "六月支委会",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "会议室",
        "first_topic": "学习重要讲话",
        "first_topic_material": "讲话原文",
    }


def _record_fields(meeting):
    return {
        "title": meeting.title,
        "start": timezone.localtime(meeting.start).strftime("%Y-%m-%dT%H:%M"),
        "end": timezone.localtime(meeting.end).strftime("%Y-%m-%dT%H:%M"),
        "place": "会议室",
        "minutes": "会议记录",
        "resolutions": "决议",
        "problems": "",
        "rectifications": "",
    }


def _page_record(meeting, submit=False):
    data = _record_fields(meeting)
    for a in meeting.attendances.all():
        data[f"att-{a.member_id}-status"] = "present"
        data[f"att-{a.member_id}-committee"] = "on"
    data.update({"topic-0-title": "学习重要讲话", "topic-0-first": "on", "topic-0-material": "讲话原文"})
    if submit:
        data["action"] = "submit"
    return data


def _api_record(meeting):
    return {
        **_record_fields(meeting),
        "attendance": [
            {"member": a.member_id, "status": "present", "is_committee": True} for a in meeting.attendances.all()
        ],
        "topics": [{"title": "学习重要讲话", "is_first_topic": True, "material": "讲话原文"}],
    }


def _write_urls(meeting):
    base = f"/api/v1/meetings/{meeting.pk}"
    return {
        f"{base}/record/": {"title": "改", "start": "2026-06-05T09:00", "end": "2026-06-05T10:00"},
        f"{base}/attendance/": {"attendance": []},
        f"{base}/submit/": {},
        f"{base}/correct/": {"reason": "x", "minutes": "x"},
        f"{base}/cancel/": {"reason": "x"},
    }


@pytest.mark.parametrize("persona", OUTSIDERS + ("member",))
def test_every_meeting_write_outside_the_callers_scope_is_404_and_writes_nothing(world, api_for, persona):
    meeting = _planned(world)
    client = api_for(world.users[persona])
    since = mark()
    for url, body in _write_urls(meeting).items():
        assert client.post(url, body, format="json").status_code == 404, f"{persona} on {url}"
    response = client.post(f"/api/v1/meetings/{meeting.pk}/attachments/", {"file": _png()}, format="multipart")
    assert response.status_code == 404
    # An organisation outside the scope is as unknown as a meeting outside it.
    response = client.post("/api/v1/meetings/", {**_plan_fields(world), "send_notice": False}, format="json")
    assert response.status_code == 404 and "detail" in response.json()
    assert trail(since) == [] and Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


@pytest.mark.parametrize("persona", INSIDERS)
def test_inside_and_above_plan_record_submit_correct_attach_and_cancel(world, api_for, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api_for(world.users[persona])
    response = client.post("/api/v1/meetings/", _plan_fields(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "planned" and body["first_topic"] == {"title": "学习重要讲话", "material": "讲话原文"}
    meeting = Meeting.objects.get(pk=body["id"])
    base = f"/api/v1/meetings/{meeting.pk}"
    assert client.post(f"{base}/record/", _api_record(meeting), format="json").json()["status"] == "draft"
    member = world.members["member"].pk
    rows = [{"member": member, "status": "leave", "leave_reason": "出差"}]
    row = next(r for r in client.post(f"{base}/attendance/", {"attendance": rows}, format="json").json()["attendance"])
    assert [(r["status"], r["leave_reason"]) for r in [row] if r["member"] == member] in ([("leave", "出差")], [])
    client.post(f"{base}/attendance/", {"attendance": [{"member": member, "status": "present"}]}, format="json")
    response = client.post(f"{base}/submit/", format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    response = client.post(
        f"{base}/correct/", {"reason": "补充", "place": "党员活动室", "minutes": "新记录"}, format="json"
    )
    assert response.status_code == 200 and Meeting.objects.get(pk=meeting.pk).minutes == "新记录"
    response = client.post(f"{base}/attachments/", {"file": _png()}, format="multipart")
    assert response.status_code == 201 and response.json()["original_name"] == "会场.png"
    other = _planned(world, "另一次")
    response = client.post(f"/api/v1/meetings/{other.pk}/cancel/", {"reason": "改期"}, format="json")
    assert response.json()["status"] == "cancelled"
    actions = [e[0] for e in trail(0) if e[2] == world.users[persona].pk]
    assert actions == [
        "meeting.plan",
        "meeting.save",
        "meeting.save",
        "meeting.save",
        "meeting.submit",
        "meeting.correct",
        "meeting.attach",
        "meeting.cancel",
    ]


def test_the_api_refuses_with_the_pages_messages(world, api_for, client_for):
    meeting = _planned(world)
    client = api_for(world.secretary)
    bad = {**_record_fields(meeting), "start": "not a date"}
    api = client.post(f"/api/v1/meetings/{meeting.pk}/record/", bad, format="json")
    page = client_for(world.secretary).post(reverse("meetings:meeting_record", args=[meeting.pk]), bad)
    assert api.status_code == 400 and api.json()["start"][0] in page.content.decode()
    rows = {"attendance": [{"member": world.members["member"].pk, "status": "asleep"}]}
    api = client.post(f"/api/v1/meetings/{meeting.pk}/attendance/", rows, format="json")
    assert api.status_code == 400 and api.json() == {"attendance": ["请为每位参会人员选择出席、请假或缺席。"]}
    # Submitting an empty record lists what is missing, as the page does.
    api = client.post(f"/api/v1/meetings/{meeting.pk}/submit/", format="json")
    assert api.status_code == 400 and len(api.json()["detail"]) >= 1
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


def test_plan_record_submit_correct_and_attach_leave_the_pages_audit_records(
    world, api_for, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page, client = client_for(world.secretary), api_for(world.secretary)
    start = mark()
    page.post(reverse("meetings:meeting_plan"), _plan_fields(world))
    meeting = Meeting.objects.get()
    page.post(reverse("meetings:meeting_record", args=[meeting.pk]), _page_record(meeting, submit=True))
    page.post(
        reverse("meetings:meeting_correct", args=[meeting.pk]),
        {"reason": "补充", "place": "党员活动室", "minutes": "新", "resolutions": ""},
    )
    page.post(reverse("meetings:meeting_upload", args=[meeting.pk]), {"file": _png()})
    middle = mark()
    created = client.post("/api/v1/meetings/", _plan_fields(world), format="json").json()
    meeting = Meeting.objects.get(pk=created["id"])
    base = f"/api/v1/meetings/{meeting.pk}"
    client.post(f"{base}/record/", _api_record(meeting), format="json")
    client.post(f"{base}/submit/", format="json")
    client.post(
        f"{base}/correct/", {"reason": "补充", "place": "党员活动室", "minutes": "新", "resolutions": ""}, format="json"
    )
    client.post(f"{base}/attachments/", {"file": _png()}, format="multipart")
    page_trail = trail(start, middle)
    assert [e[0] for e in page_trail] == [
        "meeting.plan",
        "meeting.save",
        "meeting.submit",
        "meeting.correct",
        "meeting.attach",
    ]
    assert_same_audit(page_trail, trail(middle))


def test_cancel_and_sign_in_leave_the_pages_audit_records(world, api_for, client_for):
    first, second = _planned(world), _planned(world)
    start = mark()
    client_for(world.secretary).post(reverse("meetings:meeting_cancel", args=[first.pk]), {"reason": "改期"})
    client_for(world.member).post(reverse("meetings:signin"), {"code": second.signin_code})
    middle = mark()
    third, fourth = _planned(world), _planned(world)
    after_planning = mark()
    api_for(world.secretary).post(f"/api/v1/meetings/{third.pk}/cancel/", {"reason": "改期"}, format="json")
    response = api_for(world.member).post("/api/v1/meetings/sign-in/", {"code": fourth.signin_code}, format="json")
    assert response.status_code == 200 and response.json()["id"] == fourth.pk
    assert [e[0] for e in trail(start, middle)] == ["meeting.cancel", "meeting.sign_in"]
    assert_same_audit(trail(start, middle), trail(after_planning))
    wrong = api_for(world.member).post("/api/v1/meetings/sign-in/", {"code": "ZZZZZZ"}, format="json")
    assert wrong.status_code == 400 and "签到码" in wrong.json()["detail"][0]
