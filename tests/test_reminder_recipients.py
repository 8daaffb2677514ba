"""One role lookup for every reminder (issue 26, docs/reminders.md): the secretaries over a branch are
``branches.access.holders``: a secretary grant on the branch, or one on an ancestor for its whole subtree.
A grant without the subtree covers its own organisation only; inactive accounts are never reminded."""

import datetime

import pytest
from django.utils import timezone

from assessment import reminders as assessment_reminders
from branches import audit, services
from branches.roles import Role
from portal.models import Reminder
from portal.notifications.engine import run_sweep
from portal.notifications.summaries import LAGGARDS
from supervision import reminders as supervision_reminders
from tests.assessment.factories import make_system, open_cycle
from tests.portal.notify_helpers import at, due, provider
from tests.supervision.helpers import issued_task
from tests.training.factories import NOW, module_with_reading
from tests.world import make_user
from training import reminders as training_reminders
from training import services as training_services
from training.models import Assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def above(world):
    """Three secretaries on the unit's party committee above branch_a1: one for the whole subtree,
    one for the committee only, and one whose account was closed."""
    people = {}
    for name, subtree, active in [("subtree", True, True), ("own_only", False, True), ("closed", True, False)]:
        user = make_user(f"gb_{name}", is_active=active)
        services.grant_role(
            actor=audit.SYSTEM, user=user, organization=world.unit_a, role=Role.SECRETARY, include_subtree=subtree
        )
        people[name] = user.pk
    return people


def _branch_a1_recipients(items, kind, object_id=None):
    return {d.recipient_id for d in items if d.kind == kind and (object_id is None or d.object_id == object_id)}


def test_the_study_laggards_go_to_the_secretaries_holding_the_branch_through_a_subtree_grant(world, above):
    module, _reading = module_with_reading(world)
    training_services.assign_module(
        actor=world.committee, module=module, organization=world.unit_a, due_date=datetime.date(2026, 3, 10), now=NOW
    )
    late = Assignment.objects.get(member=world.members["member"])
    items = training_reminders.due(timezone.make_aware(datetime.datetime(2026, 3, 11, 8)))
    recipients = _branch_a1_recipients(items, "study.assignment_overdue_laggard", late.pk)
    assert {world.secretary.pk, above["subtree"]} <= recipients
    assert not recipients & {above["own_only"], above["closed"], world.outsider.pk}


def test_the_self_assessment_deadline_goes_to_the_secretaries_holding_the_branch(world, above):
    open_cycle(make_system(metric="not.there"), world.root)  # self_due 2026-12-10
    items = [d for d in assessment_reminders.due(datetime.date(2026, 12, 3)) if d.kind == "assessment.self_due"]
    branch_a1 = {d.recipient_id for d in items if d.organization_id == world.branch_a1.pk}
    assert branch_a1 == {world.secretary.pk, above["subtree"]}


def test_the_supervision_deadline_goes_to_the_secretaries_holding_the_branch(world, above):
    issued_task(world, deadline=datetime.date(2026, 3, 20))
    when = timezone.make_aware(datetime.datetime(2026, 3, 13, 9))
    items = list(supervision_reminders.due(when))
    assert _branch_a1_recipients(items, "supervision.task_deadline") == {world.secretary.pk, above["subtree"]}


def test_a_secretary_above_gets_one_laggard_line_for_the_subtree_not_one_per_branch(world, above):
    items = [
        due(world.member, object_id=1, step="overdue", org=world.branch_a1),
        due(world.member, object_id=2, step="T-1", org=world.branch_a1),
    ]
    with provider(items):
        run_sweep(at(2026, 3, 3, 9, 0), run_inline=True)
    lines = Reminder.objects.filter(kind=LAGGARDS)
    assert {(r.recipient_id, r.object_id) for r in lines} == {
        (world.secretary.pk, world.branch_a1.pk),
        (above["subtree"], world.unit_a.pk),
        (above["own_only"], world.unit_a.pk),
    }
