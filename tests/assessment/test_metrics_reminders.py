import datetime

import pytest

from assessment import reminders, services
from assessment.models import BranchAssessment
from branches import metric_registry
from branches.periods import period_containing
from tests.assessment.factories import FULL_INPUT, inputs_by_code, make_system, open_cycle

pytestmark = pytest.mark.django_db
SELF_AT = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def cycle(world):
    return open_cycle(make_system(metric="not.there"), world.root)  # self_due 2026-12-10, review_due 2026-12-20


def _submit(world, cycle):
    a = BranchAssessment.objects.get(cycle=cycle, organization=world.branch_a1)
    data = {**FULL_INPUT, "R2": {"manual": "20"}}
    services.save_self_assessment(actor=world.secretary, assessment=a, entries=inputs_by_code(a, data), now=SELF_AT)
    return services.submit_self_assessment(actor=world.secretary, assessment=a, confirm=True, now=SELF_AT)


def test_progress_metric_gives_the_share_of_submitted_assessments_per_subtree(world, cycle):
    _submit(world, cycle)
    metric = metric_registry.get("assessment.progress")
    values = metric.values(
        [world.root, world.unit_a, world.unit_b], period_containing("year", datetime.date(2026, 5, 1))
    )
    assert values == {world.root.pk: 33.3, world.unit_a.pk: 50.0, world.unit_b.pk: 0.0}


def test_secretaries_are_reminded_seven_days_and_one_day_before_self_assessment_closes(world, cycle):
    early = [d for d in reminders.due(datetime.date(2026, 12, 2)) if d.kind == "assessment.self_due"]
    week = [d for d in reminders.due(datetime.date(2026, 12, 3)) if d.kind == "assessment.self_due"]
    last = [d for d in reminders.due(datetime.date(2026, 12, 9)) if d.kind == "assessment.self_due"]
    assert early == []
    assert {(d.recipient_id, d.step) for d in week} == {(world.secretary.pk, "T-7"), (world.outsider.pk, "T-7")}
    assert {d.step for d in last} == {"T-1"} and all(d.urgent for d in last)


def test_a_submitted_branch_is_not_reminded_but_its_reviewer_is(world, cycle):
    _submit(world, cycle)
    items = reminders.due(datetime.date(2026, 12, 13))
    assert not any(d.kind == "assessment.self_due" and d.recipient_id == world.secretary.pk for d in items)
    review = [d for d in items if d.kind == "assessment.review_due"]
    assert {d.recipient_id for d in review} == {world.unit_admin.pk}
    assert review[0].step == "T-7"


def test_nothing_is_due_after_the_window_closed(world, cycle):
    assert list(reminders.due(datetime.date(2026, 12, 21))) == []


def test_my_todo_lists_each_sides_steps_for_a_person_on_both(world, cycle):
    """甲局第二党支部's secretary also reviews for 甲局机关党委: in the review window they review 第一支部's
    submitted self-assessment and redo their own, sent back; never review their own or redo 第一支部's."""
    from assessment import todo
    from branches import services as branch_services
    from branches.roles import Role

    _submit(world, cycle)
    own = BranchAssessment.objects.get(cycle=cycle, organization=world.branch_a2)
    data = {**FULL_INPUT, "R2": {"manual": "20"}}
    services.save_self_assessment(actor=world.outsider, assessment=own, entries=inputs_by_code(own, data), now=SELF_AT)
    services.submit_self_assessment(actor=world.outsider, assessment=own, confirm=True, now=SELF_AT)
    review_day = datetime.datetime(2026, 12, 13, 10, 0, tzinfo=datetime.UTC)
    services.send_back(actor=world.unit_admin, assessment=own, reason="佐证不全", now=review_day)
    branch_services.grant_role(
        actor=world.committee,
        user=world.outsider,
        organization=world.unit_a,
        role=Role.UNIT_ADMIN,
        include_subtree=True,
    )
    first = BranchAssessment.objects.get(cycle=cycle, organization=world.branch_a1)

    def steps(user):
        return sorted((i.kind, i.object_id) for i in todo.items(user, review_day))

    both = type(world.outsider).objects.get(pk=world.outsider.pk)  # the new grant, not the cached ones
    assert steps(both) == sorted([("assessment.review", first.pk), ("assessment.self", own.pk)])
    assert steps(world.unit_admin) == [("assessment.review", first.pk)]
    assert steps(world.secretary) == []
