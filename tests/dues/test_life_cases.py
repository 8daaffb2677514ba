"""Six months without organisational life (党章 第九条): the worker detects and opens the case (audited as
the worker), the unit sees it on its Article 9 list and records the decision, which closes it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Attendance, AttendanceStatus, AuditEntry, Member, MemberStatus
from dues import lifecases, reminders, tasks
from dues.models import LifeCase
from tests.meetings.factories import held_meeting

pytestmark = pytest.mark.django_db
OLD = datetime.date(2015, 5, 1)


def _people(world):
    names = ["缺席者", "请假者", "出席者", "流动者", "新党员"]
    people = {
        n: Member.objects.create(organization=world.branch_a1, name=n, category="full", join_date=OLD) for n in names
    }
    today = timezone.localdate()
    meetings = [held_meeting(world.branch_a1, "committee", today - datetime.timedelta(days=d)) for d in (20, 50, 80)]
    statuses = {
        "缺席者": [AttendanceStatus.ABSENT, AttendanceStatus.ABSENT, AttendanceStatus.LEAVE],
        "请假者": [AttendanceStatus.LEAVE] * 3,
        "出席者": [AttendanceStatus.ABSENT, AttendanceStatus.PRESENT, AttendanceStatus.ABSENT],
        "流动者": [AttendanceStatus.ABSENT] * 3,
        "新党员": [AttendanceStatus.ABSENT] * 3,
    }
    for name, marks in statuses.items():
        for meeting, status in zip(meetings, marks, strict=True):
            Attendance.objects.filter(meeting=meeting, member=people[name]).update(status=status)
    Member.objects.filter(pk=people["流动者"].pk).update(status=MemberStatus.MOBILE)
    Member.objects.filter(pk=people["新党员"].pk).update(join_date=today - datetime.timedelta(days=100))
    return people


def test_the_worker_opens_one_case_per_member_without_organisational_life(world):
    people = _people(world)
    assert tasks.open_life_cases() == 1  # the worker's daily task
    case = LifeCase.objects.get()
    assert case.member == people["缺席者"] and case.absences == 2 and case.organization == world.branch_a1
    entry = AuditEntry.objects.get(action="dues.life_case_opened")
    assert entry.actor_id is None and entry.actor_name == "system"
    assert tasks.open_life_cases() == 0 and LifeCase.objects.count() == 1  # idempotent while open


def test_the_unit_sees_the_case_and_its_decision_closes_it(world, client_for, django_assert_max_num_queries):
    people = _people(world)
    lifecases.open_cases()
    url = reverse("dues:arrears") + f"?org={world.unit_a.pk}&minimum=6"
    admin = client_for(world.unit_admin)
    page = admin.get(url).content.decode()
    assert 'data-testid="life-cases" data-count="1"' in page and "缺席者" in page
    other = client_for(world.other_admin).get(reverse("dues:arrears") + "?minimum=6").content.decode()
    assert "缺席者" not in other
    member_url = reverse("dues:arrears_member", args=[people["缺席者"].pk])
    assert client_for(world.outsider).get(member_url).status_code == 404
    assert 'data-testid="life-case"' in admin.get(member_url).content.decode()
    response = admin.post(
        member_url,
        {
            "action": "decision",
            "date": timezone.localdate().isoformat(),
            "outcome": "self_withdrawn",
            "note": "支部大会讨论决定",
        },
    )
    assert response.status_code == 302
    case = LifeCase.objects.get()
    assert case.closed_at is not None and case.decision.outcome == "self_withdrawn"
    assert AuditEntry.objects.filter(action="dues.life_case_closed", actor=world.unit_admin).count() == 1
    assert 'data-count="1"' not in admin.get(url).content.decode()

    for i in range(3):  # the list keeps its query count as cases grow
        m = Member.objects.create(organization=world.branch_a1, name=f"新案{i}", category="full", join_date=OLD)
        LifeCase.objects.create(organization=world.branch_a1, member=m, since=OLD, absences=1)
    with django_assert_max_num_queries(25):
        assert 'data-count="3"' in admin.get(url).content.decode()


def test_the_secretary_cannot_decide_and_open_cases_remind(world, client_for):
    people = _people(world)
    lifecases.open_cases()
    member_url = reverse("dues:arrears_member", args=[people["缺席者"].pk])
    assert 'data-testid="decision-form"' not in client_for(world.secretary).get(member_url).content.decode()
    items = [d for d in reminders.due(timezone.now()) if d.kind == "dues.life_case"]
    assert {d.recipient_id for d in items} == {world.secretary.pk, world.unit_admin.pk}
    assert all(d.urgent and d.organization_id == world.branch_a1.pk for d in items)


def test_the_cases_in_the_api(world, client_for):
    _people(world)
    lifecases.open_cases()
    rows = client_for(world.unit_admin).get("/api/v1/dues-life-cases/?open=1").json()["results"]
    assert [r["member_name"] for r in rows] == ["缺席者"]
    assert client_for(world.outsider).get("/api/v1/dues-life-cases/").json()["results"] == []
