"""我的待办 from supervision: each side sees the rectifications whose next step is theirs, and only those."""

import datetime

import pytest

from supervision import services, todo
from supervision.models import Rectification, TaskKind

from .helpers import NOW, finding_for

pytestmark = pytest.mark.django_db


def rectification_items(user):
    return {item.object_id: item.title for item in todo.items(user, NOW) if item.kind == "supervision.rectification"}


def test_a_person_on_both_sides_sees_their_own_steps_and_never_the_other_sides(world):
    """The secretary of 甲局第一党支部 owns a rectification there and inspects a task on 乙局第一党支部: the plan to
    propose at home and the plan to approve over there are theirs; the other two steps are not."""
    own = finding_for(world).rectifications.get()
    task = services.create_task(
        actor=world.committee, title="交叉检查", kind=TaskKind.ROUTINE, deadline=datetime.date(2026, 3, 31),
        targets=[world.branch_b1], inspectors=[world.secretary], organization=world.root,
    )  # fmt: skip
    services.issue_task(actor=world.committee, task=task, now=NOW)
    inspected = services.record_finding(
        actor=world.secretary, target=task.targets.get(), category=own.finding.category, severity="general",
        description="台账不全", rectification_deadline=datetime.date(2026, 3, 20), now=NOW,
    ).rectifications.get()  # fmt: skip

    # Both wait for a plan: proposing one at home is the secretary's step; over there it is 乙局's.
    assert own.status == inspected.status == Rectification.Status.AWAITING_PLAN
    items = rectification_items(world.secretary)
    assert list(items) == [own.pk]
    assert items[own.pk].startswith("甲局第一党支部：提交") and items[own.pk].endswith("的整改方案")

    # 乙局 proposes its plan: approving it is now the secretary's step, as the task's inspector.
    services.propose_plan(actor=world.other_admin, rectification=inspected, plan="补齐台账", now=NOW)
    items = rectification_items(world.secretary)
    assert sorted(items) == sorted([own.pk, inspected.pk])
    assert items[inspected.pk] == "乙局第一党支部：审核“台账不全”的整改方案"

    # The secretary proposes at home: approving that is the inspector's step, not theirs.
    services.propose_plan(actor=world.secretary, rectification=own, plan="完善记录", now=NOW)
    assert list(rectification_items(world.secretary)) == [inspected.pk]
    assert list(rectification_items(world.inspector)) == [own.pk]
    assert rectification_items(world.other_admin) == {}


def test_a_member_on_neither_side_costs_one_small_query(world, django_assert_num_queries):
    """我的待办 is the page members open most: one who neither responds for an organisation nor inspects a
    task is spared both sides' queries (only "is this person an inspector anywhere" is asked)."""
    finding_for(world)  # there is supervision work in the tree, none of it the member's
    from branches.access import grants_of

    member = world.users["member"]
    grants_of(member)  # read once a request, by the menu before the page
    with django_assert_num_queries(1):
        assert list(todo.items(member, NOW)) == []
