"""The paused deadline clock: while a rectification waits on the inspector its deadline does not run.

March 2026 has no holidays (Mon 2 March is a working day); Qingming is Sat 4 – Mon 6 April.
"""

import datetime

import pytest
from django.urls import reverse

from branches.models import AuditEntry
from supervision import services
from supervision.calendar import WorkCalendar
from supervision.models import Card, Rectification, SupervisionSettings
from supervision.views import annotate_overdue

from .helpers import at, finding_for

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def rect(world):
    return finding_for(world, deadline=D(2026, 3, 20), description="会议记录不全").rectifications.get()


def _write(**values):
    row = SupervisionSettings.current()
    for k, v in values.items():
        setattr(row, k, v)
    row.save()


def test_the_deadline_moves_on_by_the_working_days_waited_on_the_inspector(world, rect):
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 10))
    rect.refresh_from_db()
    assert rect.waiting_since == D(2026, 3, 10) and rect.is_paused
    # Waited Tue 10 → Fri 13 March: 11, 12, 13 = 3 working days.
    services.accept_plan(actor=world.inspector, rectification=rect, now=at(2026, 3, 13))
    rect.refresh_from_db()
    assert (rect.effective_deadline, rect.paused_days, rect.waiting_since) == (D(2026, 3, 25), 3, None)
    assert rect.deadline == D(2026, 3, 20)  # the original deadline stays
    entry = AuditEntry.objects.get(action="supervision.rectification_plan_accept", object_id=str(rect.pk))
    assert entry.before["effective_deadline"] == "2026-03-20" and entry.after["effective_deadline"] == "2026-03-25"
    assert entry.after["paused_days"] == 3

    services.report_progress(actor=world.secretary, rectification=rect, content="已补齐")
    services.submit_for_recheck(actor=world.secretary, rectification=rect, now=at(2026, 3, 16))
    # A weekend inside the pause does not count: Mon 16 → Mon 23 March is 5 working days.
    services.recheck(actor=world.inspector, rectification=rect, passed=True, method="查阅台账", now=at(2026, 3, 23))
    rect.refresh_from_db()
    assert (rect.status, rect.effective_deadline, rect.paused_days) == ("closed", D(2026, 4, 1), 8)


def test_changing_the_plan_while_it_waits_keeps_the_first_day(world, rect):
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 10))
    services.propose_plan(actor=world.secretary, rectification=rect, plan="改过的方案", now=at(2026, 3, 12))
    rect.refresh_from_db()
    assert rect.waiting_since == D(2026, 3, 10)


def test_a_pause_the_same_day_adds_nothing(world, rect):
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 10, 9))
    services.accept_plan(actor=world.inspector, rectification=rect, now=at(2026, 3, 10, 15))
    rect.refresh_from_db()
    assert (rect.effective_deadline, rect.paused_days) == (D(2026, 3, 20), 0)


def test_with_the_rule_off_the_clock_runs_on(world, rect):
    _write(pause_while_waiting_on_inspector=False)
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 10))
    services.accept_plan(actor=world.inspector, rectification=rect, now=at(2026, 3, 13))
    rect.refresh_from_db()
    assert (rect.effective_deadline, rect.paused_days, rect.waiting_since) == (D(2026, 3, 20), 0, None)


def test_the_overdue_count_uses_the_paused_deadline(world, rect):
    cal = WorkCalendar()
    # Waiting since before the deadline: never late while it waits.
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 18))
    rect.refresh_from_db()
    [shown] = annotate_overdue([rect], D(2026, 3, 30), cal)
    assert shown.overdue_days == 0 and shown.deadline_now == D(2026, 4, 1)
    # Waiting since two working days after the deadline: stays two days late while it waits.
    late = finding_for(world, deadline=D(2026, 3, 20), description="党费滞后").rectifications.get()
    services.propose_plan(actor=world.secretary, rectification=late, plan="方案", now=at(2026, 3, 24))
    late.refresh_from_db()
    assert annotate_overdue([late], D(2026, 3, 30), cal)[0].overdue_days == 2


def test_the_overdue_list_leaves_out_items_whose_clock_stopped_in_time(world, rect, client_for):
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 18))
    running = finding_for(world, deadline=D(2026, 3, 20), description="党费收缴滞后").rectifications.get()
    page = client_for(world.committee).get(reverse("supervision:rectification_list") + "?overdue=1")
    body = page.content.decode()
    assert "党费收缴滞后" in body and "会议记录不全" not in body
    assert running.pk in {r.pk for r in page.context["rectifications"]}


def test_no_card_while_it_waits_on_the_inspector_and_the_pause_keeps_it_on_time(world, rect):
    # Proposed Wed 18 March (deadline Fri 20); nobody looks at it until Wed 8 April.
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 18))
    assert services.sweep_cards(now=at(2026, 4, 7))["issued"] == 0
    services.accept_plan(actor=world.inspector, rectification=rect, now=at(2026, 4, 8))
    rect.refresh_from_db()
    # 14 working days waited (Qingming Monday 6 April is a holiday): the deadline is now Fri 10 April.
    assert (rect.effective_deadline, rect.paused_days) == (D(2026, 4, 10), 14)
    assert services.sweep_cards(now=at(2026, 4, 8))["issued"] == 0
    assert not Card.objects.filter(rectification=rect).exists()


def test_without_the_pause_the_card_comes_once_it_is_back_on_the_organisations_side(world, rect):
    _write(pause_while_waiting_on_inspector=False)
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 18))
    assert services.sweep_cards(now=at(2026, 4, 7))["issued"] == 0  # still no card while it waits
    services.accept_plan(actor=world.inspector, rectification=rect, now=at(2026, 4, 8))
    services.sweep_cards(now=at(2026, 4, 8))
    assert set(Card.objects.filter(rectification=rect).values_list("rule__code", flat=True)) == {
        "overdue-1",
        "overdue-5",
    }


def test_no_recheck_failed_card_once_it_waits_on_the_inspector_again(world, rect):
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 3))
    services.accept_plan(actor=world.inspector, rectification=rect, now=at(2026, 3, 3))
    services.report_progress(actor=world.secretary, rectification=rect, content="完成")
    services.submit_for_recheck(actor=world.secretary, rectification=rect, now=at(2026, 3, 4))
    services.recheck(
        actor=world.inspector, rectification=rect, passed=False, method="查阅", notes="不实", now=at(2026, 3, 5)
    )
    services.propose_plan(actor=world.secretary, rectification=rect, plan="新方案", now=at(2026, 3, 5))
    assert services.sweep_cards(now=at(2026, 3, 6))["issued"] == 0


def test_the_worker_ends_running_pauses_when_the_rule_is_switched_off_and_audits_it(world, rect):
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 10))
    _write(pause_while_waiting_on_inspector=False)
    services.sweep_cards(now=at(2026, 3, 13))
    rect.refresh_from_db()
    assert (rect.effective_deadline, rect.paused_days, rect.waiting_since) == (D(2026, 3, 25), 3, None)
    entry = AuditEntry.objects.get(action="supervision.rectification_clock", object_id=str(rect.pk))
    assert entry.actor_name == "system"
    assert (entry.before["effective_deadline"], entry.after["effective_deadline"]) == ("2026-03-20", "2026-03-25")


def test_the_worker_starts_the_clock_of_items_that_waited_before_the_rule(world, rect):
    _write(pause_while_waiting_on_inspector=False)
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 10))
    _write(pause_while_waiting_on_inspector=True)
    services.sweep_cards(now=at(2026, 3, 11))
    rect.refresh_from_db()
    assert rect.waiting_since == D(2026, 3, 11)
    assert AuditEntry.objects.filter(action="supervision.rectification_clock", object_id=str(rect.pk)).exists()
    services.sweep_cards(now=at(2026, 3, 12))  # nothing more to do
    assert AuditEntry.objects.filter(action="supervision.rectification_clock").count() == 1


def test_the_page_shows_the_paused_days_and_the_running_pause(world, rect, client_for):
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案", now=at(2026, 3, 10))
    page = client_for(world.secretary).get(reverse("supervision:rectification_detail", args=[rect.pk]))
    assert "自2026-03-10起等待督查员，期限暂停计时" in page.content.decode()
    services.accept_plan(actor=world.inspector, rectification=rect, now=at(2026, 3, 13))
    body = client_for(world.secretary).get(reverse("supervision:rectification_detail", args=[rect.pk])).content
    body = body.decode()
    assert "2026-03-25" in body and "含等待督查员期间暂停计时的3个工作日" in body
    assert 'data-testid="clock-paused"' not in body
    assert Rectification.objects.get(pk=rect.pk).paused_days == 3
