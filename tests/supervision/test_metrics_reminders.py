import datetime

import pytest

from branches import metric_registry, periods
from supervision import reminders, services
from supervision.models import Rectification

from .helpers import NOW, at, finding_for, issued_task

pytestmark = pytest.mark.django_db
D = datetime.date


def test_overdue_and_open_rectifications_roll_up_the_subtree(world):
    task = issued_task(world, targets=[world.branch_a1, world.branch_a2])
    finding_for(world, task, deadline=D(2026, 3, 5))
    finding_for(world, task, org=world.branch_a2, deadline=D(2026, 3, 31))
    period = periods.parse("2026-03")
    overdue = metric_registry.get("supervision.overdue_rectifications").values([world.unit_a, world.branch_a2], period)
    open_ = metric_registry.get("supervision.open_rectifications").values([world.root, world.unit_b], period)
    assert overdue == {world.unit_a.pk: 1, world.branch_a2.pk: 0}
    assert open_ == {world.root.pk: 2, world.unit_b.pk: 0}


def test_on_time_rate_counts_the_extended_deadline(world):
    rect = finding_for(world, deadline=D(2026, 3, 5)).rectifications.get()
    ext = services.request_extension(
        actor=world.secretary, rectification=rect, new_deadline=D(2026, 3, 12), reason="原因", now=NOW
    )
    services.decide_extension(actor=world.inspector, extension=ext, approve=True)
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案")
    services.accept_plan(actor=world.inspector, rectification=rect)
    services.report_progress(actor=world.secretary, rectification=rect, content="进展")
    services.submit_for_recheck(actor=world.secretary, rectification=rect)
    services.recheck(actor=world.inspector, rectification=rect, passed=True, method="查看", now=at(2026, 3, 10))
    rate = metric_registry.get("supervision.on_time_rate").value(world.unit_a, periods.parse("2026-03"))
    assert rate == 100.0
    assert metric_registry.get("supervision.on_time_rate").value(world.unit_b, periods.parse("2026-03")) is None


def test_card_metrics_count_issued_cards_by_colour(world):
    finding_for(world, deadline=D(2026, 3, 2))
    services.sweep_cards(now=at(2026, 3, 20))
    period = periods.parse("2026-03")
    assert metric_registry.get("supervision.yellow_cards").value(world.root, period) == 1
    assert metric_registry.get("supervision.red_cards").value(world.root, period) == 1


def test_task_reminders_step_through_t7_t3_t1_and_overdue(world):
    issued_task(world, deadline=D(2026, 3, 20))

    def steps(day):
        return {(d.step, d.recipient_id) for d in reminders.due(at(*day)) if d.kind == "supervision.task_deadline"}

    assert steps((2026, 3, 12)) == set()
    assert steps((2026, 3, 13)) == {("T-7", world.secretary.pk)}
    assert steps((2026, 3, 17)) == {("T-3", world.secretary.pk)}
    assert steps((2026, 3, 19)) == {("T-1", world.secretary.pk)}
    assert steps((2026, 3, 21)) == {("overdue", world.secretary.pk)}


def test_rectification_reminders_go_to_owner_secretary_and_inspector(world):
    finding_for(world, deadline=D(2026, 3, 20), owner_person=world.member)
    due = [d for d in reminders.due(at(2026, 3, 17)) if d.kind == "supervision.rectification_deadline"]
    assert {d.recipient_id for d in due} == {world.secretary.pk, world.inspector.pk, world.member.pk}
    assert {d.step for d in due} == {"T-3"}


def test_closed_rectifications_are_never_reminded(world):
    rect = finding_for(world, deadline=D(2026, 3, 20)).rectifications.get()
    Rectification.objects.filter(pk=rect.pk).update(status="closed")
    assert not [d for d in reminders.due(at(2026, 3, 25)) if d.kind == "supervision.rectification_deadline"]
