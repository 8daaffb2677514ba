import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from branches import audit
from branches.models import AuditEntry, Member
from branches.roles import Role
from branches.services import grant_role, update_member
from tests.training.factories import NOW, module_with_reading, new_member
from training import services
from training.models import Assignment

pytestmark = pytest.mark.django_db


def test_subtree_assignment_reaches_exactly_the_subtree_members_once_each(world):
    extra = new_member(world.group_a1, "小组党员")
    new_member(world.branch_b1, "乙局党员")
    module, _r = module_with_reading(world)
    _aud, created = services.assign_module(
        actor=world.committee, module=module, organization=world.unit_a, due_days=30, now=NOW
    )
    expected = set(Member.objects.filter(organization__path__startswith=world.unit_a.path).values_list("pk", flat=True))
    got = list(Assignment.objects.filter(module=module).values_list("member_id", flat=True))
    assert created == len(expected) == len(got)
    assert set(got) == expected and extra.pk in got


def test_assigning_the_same_module_twice_creates_no_duplicate(world):
    module, _r = module_with_reading(world)
    services.assign_module(actor=world.committee, module=module, organization=world.unit_a, due_days=30, now=NOW)
    _a, created = services.assign_module(
        actor=world.committee, module=module, organization=world.branch_a1, due_days=10, now=NOW
    )
    assert created == 0
    assert Assignment.objects.filter(module=module, member=world.members["member"]).count() == 1


def test_member_transferred_in_later_gets_the_assignment_with_a_relative_due_date(world):
    newcomer = new_member(world.branch_b1, "调入党员")
    module, _r = module_with_reading(world)
    services.assign_module(actor=world.committee, module=module, organization=world.unit_a, due_days=30, now=NOW)
    assert not Assignment.objects.filter(member=newcomer).exists()
    update_member(actor=audit.SYSTEM, member=newcomer, organization=world.branch_a2)
    later = NOW + datetime.timedelta(days=10)
    assert services.sweep_assignments(now=later) == 1
    a = Assignment.objects.get(member=newcomer, module=module)
    assert a.due_date == datetime.date(2026, 3, 12) + datetime.timedelta(days=30)
    assert services.sweep_assignments(now=later) == 0
    assert AuditEntry.objects.filter(action="study.assignments_swept", actor_name="system").count() == 1


def test_assignment_without_subtree_skips_the_party_groups(world):
    in_group = new_member(world.group_a1, "组内党员")
    module, _r = module_with_reading(world)
    services.assign_module(
        actor=world.committee, module=module, organization=world.branch_a1, include_subtree=False, due_days=5, now=NOW
    )
    assert not Assignment.objects.filter(member=in_group).exists()
    assert Assignment.objects.filter(member=world.members["member"]).exists()


def test_role_audience_reaches_only_secretaries(world):
    module, _r = module_with_reading(world)
    services.assign_module(
        actor=world.committee, module=module, organization=world.root, role=Role.SECRETARY, due_days=5, now=NOW
    )
    names = set(Assignment.objects.filter(module=module).values_list("member__name", flat=True))
    assert names == {"secretary-党员", "outsider-党员"}


def test_named_people_audience_reaches_only_them(world):
    module, _r = module_with_reading(world)
    services.assign_module(
        actor=world.committee,
        module=module,
        organization=world.root,
        people=[world.members["member"]],
        due_date=datetime.date(2026, 4, 1),
        now=NOW,
    )
    assert list(Assignment.objects.filter(module=module).values_list("member__name", flat=True)) == ["member-党员"]


def test_unit_admin_cannot_assign_outside_their_subtree(world):
    module, _r = module_with_reading(world, org=world.unit_a)
    with pytest.raises(PermissionDenied):
        services.assign_module(actor=world.unit_admin, module=module, organization=world.unit_b, due_days=5, now=NOW)
    grant_role(actor=audit.SYSTEM, user=world.unit_admin, organization=world.unit_a, role=Role.UNIT_ADMIN)
    _a, created = services.assign_module(
        actor=world.unit_admin, module=module, organization=world.unit_a, due_days=5, now=NOW
    )
    assert created >= 3


def test_due_date_and_relative_days_together_are_refused_in_chinese_ready_message(world):
    module, _r = module_with_reading(world)
    with pytest.raises(ValidationError):
        services.assign_module(
            actor=world.committee,
            module=module,
            organization=world.unit_a,
            due_days=5,
            due_date=datetime.date(2026, 5, 1),
            now=NOW,
        )
    assert not Assignment.objects.exists()


def test_a_keeper_sees_their_scopes_assignments_and_their_own_wherever_their_membership_is(world):
    """The member of 甲局第一党支部 who also keeps 乙局第一党支部's study sees 乙局's assignments and their own, not
    their branch colleagues'; a plain member sees only their own (``ScopedQuerySet.visible_with_own``)."""
    from django.utils import timezone

    from branches import audit
    from branches import services as branch_services
    from branches.models import Member, MemberCategory
    from branches.roles import Role
    from portal.models import User
    from tests.training.factories import module_with_reading
    from training.models import Assignment

    module, _r = module_with_reading(world, title="交叉学习")
    there = Member.objects.create(organization=world.branch_b1, name="乙局党员", category=MemberCategory.FULL)
    made = {
        key: Assignment.objects.create(module=module, member=m, assigned_at=timezone.now())
        for key, m in (("own", world.members["member"]), ("colleague", world.members["secretary"]), ("there", there))
    }
    assert set(Assignment.objects.visible_to(world.member)) == {made["own"]}
    assert set(Assignment.objects.visible_to(world.secretary)) == {made["own"], made["colleague"]}
    branch_services.grant_role(
        actor=audit.SYSTEM, user=world.member, organization=world.branch_b1, role=Role.SECRETARY, include_subtree=True
    )
    keeper = User.objects.get(pk=world.member.pk)  # the new grant, not the cached ones
    assert set(Assignment.objects.visible_to(keeper)) == {made["own"], made["there"]}
    assert set(Assignment.objects.visible_to(keeper, "change")) <= {made["there"]}
    assert set(Assignment.objects.visible_to(world.committee)) == set(made.values())
    assert not Assignment.objects.visible_to(world.outsider).filter(module=module).exists()
