import datetime

import pytest
from django.utils import timezone

from branches import metric_registry, reminders
from branches.periods import parse

from .factories import add_members, held_meeting

pytestmark = pytest.mark.django_db


def test_the_metrics_are_registered_and_aggregate_the_subtree(world):
    add_members(world.branch_a1, 3)
    held_meeting(world.branch_a1, "committee", datetime.date(2025, 5, 6))
    held_meeting(world.branch_a1, "theme_day", datetime.date(2025, 5, 7))
    period = parse("2025-05")
    rate = metric_registry.get("meetings.compliance_rate")
    missing = metric_registry.get("meetings.missing_count")
    first = metric_registry.get("meetings.first_topic_rate")
    # branch_a1 owes committee, theme day and group (held 2 of 3); branch_a2 owes 2 and held none
    assert rate.value(world.branch_a1, period) == round(100 * 2 / 3, 1)
    assert missing.values([world.unit_a, world.branch_a2], period) == {world.unit_a.pk: 3, world.branch_a2.pk: 2}
    assert first.value(world.unit_a, period) == 100.0
    assert "missing" in missing.drill_url(world.unit_a, period)


def test_metric_queries_do_not_grow_with_organisations(world, django_assert_max_num_queries):
    metric = metric_registry.get("meetings.compliance_rate")
    with django_assert_max_num_queries(6):
        metric.values([world.root, world.unit_a, world.unit_b, world.branch_a1, world.branch_b1], parse("2025-05"))


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))


def test_a_secretary_is_reminded_before_the_month_ends_and_after_it_ended(world):
    before = [d for d in reminders.due(_at(datetime.date(2026, 5, 27))) if d.kind == "meetings.not_held"]
    mine = [d for d in before if d.recipient_id == world.secretary.pk]
    assert {d.step for d in mine} >= {"2026-05:committee:T-7", "2026-05:theme_day:T-7", "2026-05:group:T-7"}
    assert all(d.object_id == world.branch_a1.pk and not d.urgent for d in mine if d.step.endswith("T-7"))
    after = [d for d in reminders.due(_at(datetime.date(2026, 6, 2))) if d.recipient_id == world.secretary.pk]
    assert "2026-05:committee:overdue" in {d.step for d in after}, [(d.step, d.urgent) for d in after]
    assert all(d.urgent for d in after), [(d.step, d.urgent) for d in after]


def test_no_reminder_for_a_meeting_that_was_held(world):
    add_members(world.branch_a1, 2)
    held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6))
    steps = {d.step for d in reminders.due(_at(datetime.date(2026, 5, 27))) if d.recipient_id == world.secretary.pk}
    assert "2026-05:committee:T-7" not in steps and "2026-05:theme_day:T-7" in steps


def test_no_reminder_early_in_the_month(world):
    due = [d for d in reminders.due(_at(datetime.date(2026, 5, 10))) if d.step.startswith("2026-05")]
    assert due == []


def test_annual_meetings_are_reminded_in_q4_to_secretary_and_unit_admin(world):
    due = [d for d in reminders.due(_at(datetime.date(2026, 11, 3))) if d.kind == "meetings.annual_not_held"]
    about_a1 = {(d.recipient_id, d.step) for d in due if d.object_id == world.branch_a1.pk}
    assert (world.secretary.pk, "2026:org_life:Q4") in about_a1
    assert (world.unit_admin.pk, "2026:democratic_review:Q4") in about_a1
    assert world.outsider.pk not in {r for r, _s in about_a1}
    assert not [d for d in reminders.due(_at(datetime.date(2026, 8, 3))) if d.kind == "meetings.annual_not_held"]
