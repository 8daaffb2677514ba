"""The escalation policy read by hand, against a fixed clock.

Policy (seeded rule data): yellow when overdue ≥ 1 working day or a recheck failed; red when
overdue ≥ 5 working days, a yellow is not cleared in 10 working days, or a serious finding repeats.
"""

import datetime

import pytest

from branches.models import AuditEntry
from supervision import services
from supervision.models import Card, EscalationRule

from .helpers import NOW, at, finding_for, issued_task

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def scene(world):
    task = issued_task(world, targets=[world.branch_a1, world.branch_a2])
    a = finding_for(world, task, deadline=D(2026, 4, 3), description="A 会议记录不全").rectifications.get()
    b = finding_for(world, task, deadline=D(2026, 3, 27), description="B 党费收缴滞后").rectifications.get()
    c = finding_for(world, task, deadline=D(2026, 4, 30), description="C 未到期").rectifications.get()
    d = finding_for(world, task, org=world.branch_a2, deadline=D(2026, 4, 30), description="D 复核未过")
    d = d.rectifications.get()
    services.propose_plan(actor=world.outsider, rectification=d, plan="方案")
    services.accept_plan(actor=world.inspector, rectification=d)
    services.report_progress(actor=world.outsider, rectification=d, content="完成")
    services.submit_for_recheck(actor=world.outsider, rectification=d)
    services.recheck(actor=world.inspector, rectification=d, passed=False, method="查阅台账", notes="不实")
    finding_for(world, task, category="纪律建设", deadline=D(2026, 4, 30), description="E0 违规")
    later = issued_task(world, title="回头看")
    e = finding_for(
        world, later, category="纪律建设", severity="serious", deadline=D(2026, 4, 30), description="E 重犯"
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def _cards():
    return {
        (c.rule.code, c.rectification.measures[:2] if c.rectification_id else c.finding.description[:2])
        for c in Card.objects.select_related("rule", "rectification", "finding")
    }


def test_the_sweep_on_the_first_working_day_after_qingming_issues_exactly_the_policy_cards(scene):
    # Tuesday 7 April 2026: A (due Fri 3 Apr) is 1 working day late; B (due Fri 27 Mar) is 6.
    result = services.sweep_cards(now=at(2026, 4, 7))
    assert _cards() == {
        ("overdue-1", "A "),
        ("overdue-1", "B "),
        ("overdue-5", "B "),
        ("recheck-failed", "D "),
        ("serious-repeat", "E "),
    }
    assert result["issued"] == 5


def test_a_second_sweep_issues_nothing(scene):
    services.sweep_cards(now=at(2026, 4, 7))
    again = services.sweep_cards(now=at(2026, 4, 7, hour=16))
    assert again["issued"] == 0
    assert Card.objects.count() == 5


def test_a_yellow_left_for_ten_working_days_turns_red(scene):
    services.sweep_cards(now=at(2026, 4, 7))
    # Ten working days after 7 April is 21 April; on 20 April it is still only nine.
    assert services.sweep_cards(now=at(2026, 4, 20))["issued"] == 1  # A reaches 5 working days overdue
    assert not Card.objects.filter(rule__code="yellow-10").exists()
    services.sweep_cards(now=at(2026, 4, 21))
    reds = set(Card.objects.filter(rule__code="yellow-10").values_list("rectification__measures", flat=True))
    assert {m[:2] for m in reds} == {"A ", "B ", "D "}


def test_an_approved_extension_clears_the_overdue_card(scene, world):
    services.sweep_cards(now=at(2026, 4, 7))
    ext = services.request_extension(
        actor=world.secretary, rectification=scene["a"], new_deadline=D(2026, 4, 17), reason="换届", now=NOW
    )
    services.decide_extension(actor=world.inspector, extension=ext, approve=True)
    services.sweep_cards(now=at(2026, 4, 8))
    card = Card.objects.get(rule__code="overdue-1", rectification=scene["a"])
    assert card.cleared_at == at(2026, 4, 8)


def test_a_passed_recheck_clears_the_rectifications_cards(scene, world):
    services.sweep_cards(now=at(2026, 4, 7))
    d = scene["d"]
    services.report_progress(actor=world.outsider, rectification=d, content="整改到位")
    services.submit_for_recheck(actor=world.outsider, rectification=d)
    services.recheck(actor=world.inspector, rectification=d, passed=True, method="实地查看", now=at(2026, 4, 8))
    assert Card.objects.get(rectification=d).cleared_at == at(2026, 4, 8)


def test_a_card_is_revoked_with_a_reason_and_never_reissued(scene, world):
    services.sweep_cards(now=at(2026, 4, 7))
    card = Card.objects.get(rule__code="overdue-1", rectification=scene["a"])
    services.revoke_card(actor=world.committee, card=card, reason="系统录入错误")
    assert services.sweep_cards(now=at(2026, 4, 8))["issued"] == 0
    card.refresh_from_db()
    assert card.revoke_reason == "系统录入错误"
    assert AuditEntry.objects.filter(action="supervision.card_revoke").exists()


def test_an_inactive_rule_issues_nothing(scene):
    EscalationRule.objects.update(is_active=False)
    assert services.sweep_cards(now=at(2026, 4, 7))["issued"] == 0


def test_cards_notify_the_secretary_and_unit_admin(scene, world, django_capture_on_commit_callbacks):
    from branches import events

    sent = []
    events.notify.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="t-cards")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.sweep_cards(now=at(2026, 4, 7))
    finally:
        events.notify.disconnect(dispatch_uid="t-cards")
    a_cards = [s for s in sent if s["obj"].rectification_id == scene["a"].pk]
    assert len(a_cards) == 1 and a_cards[0]["urgent"]
    assert set(a_cards[0]["recipients"]) == {world.secretary.pk, world.unit_admin.pk}


def test_card_issues_are_audited_as_the_system(scene):
    services.sweep_cards(now=at(2026, 4, 7))
    entries = AuditEntry.objects.filter(action="supervision.card_issue")
    assert entries.count() == 5 and {e.actor_name for e in entries} == {"system"}


def test_the_sweep_command_issues_once_and_says_how_many(world):
    import io

    from django.core.management import call_command

    first, second = io.StringIO(), io.StringIO()
    call_command("sweep_cards", "--at", "2026-04-07T09:00", stdout=first)
    call_command("sweep_cards", "--at", "2026-04-07T09:00", stdout=second)
    assert "Cards issued:" in first.getvalue()
    assert "Cards issued: 0;" in second.getvalue()


def test_the_sweep_command_refuses_a_bad_time(world):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("sweep_cards", "--at", "next tuesday")


def test_no_overdue_card_and_no_urgent_reminder_to_the_branch_while_the_plan_waits_on_the_inspector(world, scene):
    from supervision import reminders
    from supervision.models import Rectification

    rect = scene["b"]  # due 2026-03-27: overdue at NOW
    services.propose_plan(actor=world.secretary, rectification=rect, plan="整改方案")
    now = at(2026, 4, 20)
    services.sweep_cards(now=now)
    assert not rect.cards.exists()  # the clock is stopped: the branch waits on the inspector
    rect.refresh_from_db()
    assert str(rect.next_step) and rect.waiting_on == Rectification.INSPECTOR
    due = [d for d in reminders.due(now) if d.object_type == "supervision.rectification" and d.object_id == rect.pk]
    assert due and not any(d.urgent for d in due)
    assert world.secretary.pk not in {d.recipient_id for d in due}
    # Back on the branch's side, the overdue card comes.
    Rectification.objects.filter(pk=rect.pk).update(status=Rectification.Status.IN_PROGRESS)
    services.sweep_cards(now=now)
    assert rect.cards.filter(colour="yellow").exists()
