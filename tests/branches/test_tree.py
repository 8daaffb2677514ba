import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from branches import audit, services
from branches.models import AuditEntry, Organization, OrganizationKind

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree(world):
    ids = [world.unit_a.pk, world.branch_a1.pk, world.group_a1.pk]
    assert world.group_a1.path == world.root.path + "".join(f"{i:08d}/" for i in ids)
    assert world.group_a1.depth == 3


def test_moving_a_branch_moves_its_subtree(world):
    services.move_organization(actor=world.committee, organization=world.branch_a1, new_parent=world.unit_b)
    group = Organization.objects.get(pk=world.group_a1.pk)
    assert group.path.startswith(Organization.objects.get(pk=world.unit_b.pk).path)
    assert group.depth == 3
    assert Organization.objects.get(pk=world.branch_a1.pk).parent_id == world.unit_b.pk


def test_moving_under_own_subtree_is_refused(world):
    with pytest.raises(ValidationError):
        services.move_organization(actor=world.committee, organization=world.unit_a, new_parent=world.branch_a1)


def test_a_group_cannot_hold_a_branch(world):
    with pytest.raises(ValidationError):
        services.create_organization(
            actor=world.committee, name="x", kind=OrganizationKind.BRANCH, parent=world.group_a1
        )


def test_unit_admin_cannot_move_a_branch_out_of_their_subtree(world):
    with pytest.raises(PermissionDenied):
        services.move_organization(actor=world.unit_admin, organization=world.branch_a1, new_parent=world.unit_b)
    assert Organization.objects.get(pk=world.branch_a1.pk).parent_id == world.unit_a.pk


def test_every_change_is_audited_with_before_and_after(world):
    services.update_organization(actor=world.unit_admin, organization=world.branch_a1, name="改名党支部")
    entry = AuditEntry.objects.filter(action="organization.update").latest("id")
    assert entry.actor == world.unit_admin
    assert entry.before["name"] == "甲局第一党支部" and entry.after["name"] == "改名党支部"
    assert entry.organization_id == world.branch_a1.pk


def test_system_changes_are_audited_as_system(world):
    entry = AuditEntry.objects.filter(action="organization.create").first()
    assert entry.actor is None and entry.actor_name == audit.SYSTEM_ACTOR_NAME


def test_visibility_follows_grants(world):
    def names(user):
        return set(Organization.objects.visible_to(user).values_list("name", flat=True))

    assert names(world.committee) == set(Organization.objects.values_list("name", flat=True))
    assert names(world.unit_admin) == {"甲局机关党委", "甲局第一党支部", "第一党小组", "甲局第二党支部"}
    assert names(world.secretary) == {"甲局第一党支部", "第一党小组"}
    assert names(world.member) == {"甲局第一党支部"}
    assert names(world.nobody) == set()


def test_visibility_reads_the_grants_once_then_one_query(world, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=world.unit_admin.pk)  # no grants read yet
    with django_assert_num_queries(2):  # the user's grants, then the organisations
        list(Organization.objects.visible_to(user))
    with django_assert_num_queries(1):  # the grants are kept for the request
        visible = list(Organization.objects.visible_to(user))
    assert len(visible) > 1
    # The subtree grant becomes one path prefix, not a list of the organisations it covers.
    where = str(Organization.objects.visible_to(user).query).split("WHERE", 1)[1]
    assert "LIKE" in where and " IN (" not in where
