import datetime

import pytest
from django.utils import timezone

from branches import metric_registry, periods
from tests.training.factories import NOW, module_with_reading, new_member
from training import reminders, services
from training.models import Assignment

pytestmark = pytest.mark.django_db
YEAR = periods.period_containing("year", datetime.date(2026, 1, 1))


def _complete(world, who):
    a = Assignment.objects.get(member=world.members[who])
    reading = a.module.items.get()
    for i in range(3):
        services.heartbeat(
            actor=getattr(world, who), assignment=a, item=reading, visible=True, active=True,
            now=NOW + datetime.timedelta(seconds=30 * i),
        )  # fmt: skip
    a.refresh_from_db()
    assert a.completed_at is not None


def test_completion_rate_aggregates_each_subtree(world):
    module, _r = module_with_reading(world)
    services.assign_module(
        actor=world.committee, module=module, organization=world.unit_a, due_date=datetime.date(2026, 6, 1), now=NOW
    )
    _complete(world, "member")
    metric = metric_registry.get("study.completion_rate")
    values = metric.values([world.root, world.unit_a, world.branch_a1, world.branch_a2, world.unit_b], YEAR)
    assert values[world.unit_a.pk] == round(100 / 3, 1)
    assert values[world.branch_a1.pk] == 50.0
    assert values[world.branch_a2.pk] == 0.0
    assert values[world.unit_b.pk] is None


def test_hours_per_capita_divides_subtree_hours_by_party_members(world):
    module, _r = module_with_reading(world, hours="3")
    services.assign_module(actor=world.committee, module=module, organization=world.unit_a, due_days=30, now=NOW)
    _complete(world, "member")
    metric = metric_registry.get("study.hours_per_capita")
    assert metric.value(world.branch_a1, YEAR) == 1.5
    assert metric.value(world.unit_a, YEAR) == 1.0


def test_metrics_keep_a_fixed_query_count(world, django_assert_num_queries):
    orgs = [world.root, world.unit_a, world.branch_a1, world.branch_a2, world.unit_b, world.branch_b1]
    with django_assert_num_queries(1):
        metric_registry.get("study.completion_rate").values(orgs, YEAR)
    with django_assert_num_queries(6):  # hours and heads: the root's paths, per organisation, through party groups
        metric_registry.get("study.hours_per_capita").values(orgs, YEAR)


def test_a_party_group_counts_study_hours_and_members_through_party_group(world):
    """A party group's members are registered at their branch: its hours per member come through
    ``party_group`` (as the organisation list and the practice figures count them), each member once."""
    from branches.models import Member

    Member.objects.filter(pk=world.members["member"].pk).update(party_group=world.group_a1)
    module, _r = module_with_reading(world, hours="3")
    services.assign_module(actor=world.committee, module=module, organization=world.unit_a, due_days=30, now=NOW)
    _complete(world, "member")
    metric = metric_registry.get("study.hours_per_capita")
    assert metric.value(world.group_a1, YEAR) == 3.0  # one grouped party member, three hours
    assert metric.value(world.branch_a1, YEAR) == 1.5  # and once, not twice, in the branch above


def test_due_reminders_step_through_t3_t1_and_overdue(world):
    module, _r = module_with_reading(world)
    services.assign_module(
        actor=world.committee, module=module, organization=world.branch_a1, include_subtree=False,
        due_date=datetime.date(2026, 3, 10), now=NOW,
    )  # fmt: skip

    def steps(day):
        at = timezone.make_aware(datetime.datetime(2026, 3, day, 8))
        return {d.step for d in reminders.due(at) if d.kind == "study.assignment_due"}

    assert steps(5) == set()
    assert steps(7) == {"T-3"}
    assert steps(9) == {"T-1"}
    assert steps(11) == {"overdue"}
    rec = {d.recipient_id for d in reminders.due(timezone.make_aware(datetime.datetime(2026, 3, 11, 8)))}
    assert world.member.pk in rec


def test_completed_assignments_are_not_reminded(world):
    module, _r = module_with_reading(world)
    services.assign_module(
        actor=world.committee, module=module, organization=world.branch_a1, include_subtree=False,
        due_date=datetime.date(2026, 3, 10), now=NOW,
    )  # fmt: skip
    _complete(world, "member")
    at = timezone.make_aware(datetime.datetime(2026, 3, 11, 8))
    assert world.member.pk not in {d.recipient_id for d in reminders.due(at)}


def test_hours_shortfall_is_reminded_from_q4_to_the_member_and_their_secretary(world):
    new_member(world.branch_a1, "无学时党员")
    assert reminders.hours_shortfall(timezone.make_aware(datetime.datetime(2026, 9, 30, 8))) == []
    dues = reminders.hours_shortfall(timezone.make_aware(datetime.datetime(2026, 10, 8, 8)))
    member_rows = [d for d in dues if d.object_id == world.members["member"].pk]
    assert {d.recipient_id for d in member_rows} == {world.member.pk, world.secretary.pk}
    assert all(d.step == "2026" for d in dues)


def test_overdue_assignments_are_listed_to_the_branch_secretary_but_not_to_other_branches(world):
    module, _r = module_with_reading(world)
    services.assign_module(
        actor=world.committee, module=module, organization=world.unit_a,
        due_date=datetime.date(2026, 3, 10), now=NOW,
    )  # fmt: skip
    at = timezone.make_aware(datetime.datetime(2026, 3, 11, 8))
    laggards = [d for d in reminders.due(at) if d.kind == "study.assignment_overdue_laggard"]
    member_assignment = Assignment.objects.get(member=world.members["member"])
    assert any(d.recipient_id == world.secretary.pk and d.object_id == member_assignment.pk for d in laggards)
    assert not any(d.recipient_id == world.outsider.pk and d.object_id == member_assignment.pk for d in laggards)
    own = Assignment.objects.get(member=world.members["secretary"])
    assert not any(d.recipient_id == world.secretary.pk and d.object_id == own.pk for d in laggards)


def test_a_few_organisations_read_only_their_subtrees_and_agree_with_the_whole_tree(world):
    """A branch's overview adds up its own members, not the city's (same figures as the whole-tree read)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    module, _r = module_with_reading(world, hours="3")
    services.assign_module(actor=world.committee, module=module, organization=world.root, due_days=30, now=NOW)
    _complete(world, "member")
    every = [world.root, world.unit_a, world.branch_a1, world.branch_a2, world.unit_b, world.branch_b1]
    few = [world.branch_a1, world.unit_b]
    for name in ("study.completion_rate", "study.hours_per_capita"):
        metric = metric_registry.get(name)
        whole = metric.values(every, YEAR)
        with CaptureQueriesContext(connection) as ctx:
            part = metric.values(few, YEAR)
        assert part == {o.pk: whole[o.pk] for o in few}, name
        for q in ctx.captured_queries:  # each subtree by its path; party groups by their own ids
            assert (world.branch_a1.path in q["sql"] and world.unit_b.path in q["sql"]) or (
                '"party_group_id" IN' in q["sql"]
            ), q["sql"]
