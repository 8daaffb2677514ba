"""Training classes and lectures through the API, as each persona, with the class pages' messages and audit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from branches import audit
from tests.parity import OUTSIDERS, assert_same_audit, mark, trail
from tests.training.factories import module_with_reading
from training import services
from training.models import Attendance, ClassSession, Enrollment, Lecture, TrainingClass

pytestmark = pytest.mark.django_db

IDS = ("training_class", "session", "member")  # the two runs act on two like classes


def _zh(message):
    with translation.override("zh-hans"):
        return str(translation.gettext(message))


def _when(start_hours, end_hours):
    now = timezone.now()
    return {
        "title": "第一讲",
        "starts_at": (now + datetime.timedelta(hours=start_hours)).isoformat(),
        "ends_at": (now + datetime.timedelta(hours=end_hours)).isoformat(),
        "hours": "2",
    }


def _class(world, **kw):
    return services.create_class(
        actor=audit.SYSTEM, organization=world.unit_a, title="读书班", roster=[world.members["member"]], **kw
    )


def _session(tc, start_hours=-0.1, end_hours=1):
    now = timezone.now()
    return services.add_session(
        actor=audit.SYSTEM,
        training_class=tc,
        title="第一讲",
        starts_at=now + datetime.timedelta(hours=start_hours),
        ends_at=now + datetime.timedelta(hours=end_hours),
    )


def test_creating_a_class_adding_and_closing_sessions_audits_as_the_pages(world, client_for, api_for):
    # Each class has its own make-up module, so that both runs assign it to the absent trainees.
    page_module, _r = module_with_reading(world, org=world.unit_a, title="补学")
    api_module, _r = module_with_reading(world, org=world.unit_a, title="补学")
    form = {"organization": world.unit_a.pk, "title": "读书班", "roster_org": world.branch_a1.pk,
            "makeup_module": page_module.pk}  # fmt: skip
    page, api = client_for(world.unit_admin), api_for(world.unit_admin)
    start = mark()
    assert page.post(reverse("training:class_create"), form).status_code == 302
    first = TrainingClass.objects.get()
    detail = reverse("training:class_detail", args=[first.pk])
    assert page.post(detail, {"action": "add_session", **_when(-3, -1)}).status_code == 302
    page.post(detail, {"session": ClassSession.objects.get(training_class=first).pk})
    middle = mark()
    made = api.post("/api/v1/training-classes/", {**form, "makeup_module": api_module.pk}, format="json")
    assert made.status_code == 201 and made.json()["title"] == "读书班" and made.json()["sessions"] == []
    pk = made.json()["id"]
    assert set(Enrollment.objects.filter(training_class_id=pk).values_list("member_id", flat=True)) == {
        world.members["secretary"].pk,
        world.members["member"].pk,
    }
    session = api.post(f"/api/v1/training-classes/{pk}/sessions/", _when(-3, -1), format="json")
    assert session.status_code == 201 and len(session.json()["sign_in_code"]) == 6
    closed = api.post(f"/api/v1/training-classes/{pk}/sessions/{session.json()['id']}/close/")
    assert closed.status_code == 200 and closed.json() == {"makeup_assigned": 2}
    page_trail = trail(start, middle, ignore=(*IDS, "makeup_module", "sign_in_code"))
    assert [e[0] for e in page_trail][-3:] == ["study.class_created", "study.session_added", "study.session_closed"]
    assert_same_audit(page_trail, trail(middle, ignore=(*IDS, "makeup_module", "sign_in_code")))


def test_signing_in_and_asking_for_leave_audit_as_the_pages(world, client_for, api_for):
    page_class, api_class = _class(world), _class(world)
    page_now, api_now = _session(page_class), _session(api_class)
    page_later, api_later = _session(page_class, 24, 26), _session(api_class, 24, 26)
    start = mark()
    page = client_for(world.member)
    page.post(reverse("training:sign_in"), {"code": page_now.sign_in_code})
    page.post(reverse("training:leave", args=[page_later.pk]), {"reason": "出差"})
    middle = mark()
    api = api_for(world.member)
    signed = api.post("/api/v1/training-classes/sign-in/", {"code": api_now.sign_in_code}, format="json")
    assert signed.status_code == 200 and signed.json()["status"] == "present"
    assert signed.json()["session"] == api_now.pk
    leave = api.post(
        f"/api/v1/training-classes/{api_class.pk}/sessions/{api_later.pk}/leave/", {"reason": "出差"}, format="json"
    )
    assert leave.status_code == 201 and leave.json()["status"] == "leave"
    page_trail = trail(start, middle, ignore=(*IDS, "at"))
    assert [e[0] for e in page_trail if e[0].startswith("study.")] == ["study.signed_in", "study.leave_requested"]
    assert_same_audit(page_trail, trail(middle, ignore=(*IDS, "at")))


def test_bad_input_is_answered_with_the_pages_words(world, api_for):
    tc = _class(world)
    later = _session(tc, 24, 26)
    since = mark()
    manager, member = api_for(world.unit_admin), api_for(world.member)
    backwards = manager.post(f"/api/v1/training-classes/{tc.pk}/sessions/", _when(2, 1), format="json")
    assert backwards.status_code == 400 and backwards.json() == {
        "ends_at": [_zh("The session must end after it starts.")]
    }
    assert member.post("/api/v1/training-classes/sign-in/", {}).json() == {
        "code": [_zh("Enter the sign-in code shown in the session.")]
    }
    assert member.post("/api/v1/training-classes/sign-in/", {"code": later.sign_in_code}).json() == {
        "code": [_zh("No session of yours is open with this code.")]
    }
    no_reason = member.post(f"/api/v1/training-classes/{tc.pk}/sessions/{later.pk}/leave/", {"reason": ""})
    assert no_reason.json() == {"reason": [_zh("Give the reason for leave.")]}
    early = manager.post(f"/api/v1/training-classes/{tc.pk}/sessions/{later.pk}/close/")
    assert early.status_code == 400 and early.json() == {"detail": [_zh("The session has not ended yet.")]}
    assert trail(since) == [] and not Attendance.objects.exists()


@pytest.mark.parametrize("persona", (*OUTSIDERS, "secretary", "member"))
def test_only_the_classes_organisers_manage_it(world, api_for, persona):
    tc = _class(world)
    ended = _session(tc, -3, -1)
    since = mark()
    api = api_for(world.users[persona])
    made = api.post(
        "/api/v1/training-classes/",
        {"organization": world.unit_a.pk, "title": "班", "roster_org": world.branch_a1.pk},
        format="json",
    )
    assert made.status_code == 404
    assert api.post(f"/api/v1/training-classes/{tc.pk}/sessions/", _when(1, 2), format="json").status_code == 404
    assert api.post(f"/api/v1/training-classes/{tc.pk}/sessions/{ended.pk}/close/").status_code == 404
    assert trail(since) == [] and TrainingClass.objects.count() == 1


def test_the_committee_above_manages_the_units_class(world, api_for):
    tc = _class(world)
    added = api_for(world.committee).post(f"/api/v1/training-classes/{tc.pk}/sessions/", _when(1, 2), format="json")
    assert added.status_code == 201


@pytest.mark.parametrize("persona", (*OUTSIDERS, "unit_admin"))
def test_only_trainees_on_the_roster_sign_in_or_ask_for_leave(world, api_for, persona):
    tc = _class(world)
    now, later = _session(tc), _session(tc, 24, 26)
    since = mark()
    api = api_for(world.users[persona])
    leave = api.post(f"/api/v1/training-classes/{tc.pk}/sessions/{later.pk}/leave/", {"reason": "出差"})
    assert leave.status_code == 404
    signed = api.post("/api/v1/training-classes/sign-in/", {"code": now.sign_in_code})
    assert signed.status_code == 400 and signed.json() == {"code": [_zh("No session of yours is open with this code.")]}
    assert trail(since) == [] and not Attendance.objects.exists()


def test_a_lecture_through_the_api_is_recorded_and_audited_as_on_the_page(world, client_for, api_for):
    form = {"organization": world.unit_a.pk, "title": "学习宣讲", "speaker": "宣讲团", "held_on": "2026-11-20",
            "audience_count": 40}  # fmt: skip
    start = mark()
    assert client_for(world.unit_admin).post(reverse("training:lecture_create"), form).status_code == 302
    middle = mark()
    made = api_for(world.unit_admin).post("/api/v1/lectures/", form, format="json")
    assert made.status_code == 201 and made.json()["audience_count"] == 40
    assert_same_audit(trail(start, middle), trail(middle))
    for persona in (*OUTSIDERS, "secretary"):
        assert api_for(world.users[persona]).post("/api/v1/lectures/", form, format="json").status_code == 404
    negative = api_for(world.unit_admin).post("/api/v1/lectures/", {**form, "audience_count": -1}, format="json")
    assert negative.status_code == 400 and list(negative.json()) == ["audience_count"]
    assert Lecture.objects.count() == 2


def test_the_pages_flash_the_same_words_as_the_api(world, client_for):
    tc = _class(world)
    later = _session(tc, 24, 26)
    page = client_for(world.member)
    for url, data, message in (
        (reverse("training:sign_in"), {}, "Enter the sign-in code shown in the session."),
        (reverse("training:sign_in"), {"code": later.sign_in_code}, "No session of yours is open with this code."),
        (reverse("training:leave", args=[later.pk]), {"reason": ""}, "Give the reason for leave."),
    ):
        shown = [str(m) for m in page.post(url, data, follow=True).context["messages"]]
        assert shown == [_zh(message)], url
