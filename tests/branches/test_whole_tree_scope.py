"""A subtree grant on the root needs no scoping condition: the tree has one root (org_single_root)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from branches import audit, services
from branches.models import Member, Organization, OrganizationKind
from branches.querysets import covers_whole_tree

pytestmark = pytest.mark.django_db


def test_only_a_root_subtree_grant_covers_the_whole_tree(world):
    assert covers_whole_tree(world.committee, "member.view")
    assert not covers_whole_tree(world.unit_admin, "member.view")
    assert not covers_whole_tree(world.secretary, "member.view")
    assert not covers_whole_tree(world.member, "org.view")


def test_the_committee_sees_every_row_and_the_others_what_they_saw_before(world):
    everyone = set(Member.objects.values_list("pk", flat=True))
    assert set(Member.objects.visible_to(world.committee).values_list("pk", flat=True)) == everyone
    assert set(Organization.objects.visible_to(world.committee).values_list("pk", flat=True)) == set(
        Organization.objects.values_list("pk", flat=True)
    )
    # Beside and below the root, the prefixes still apply.
    secretary_sees = set(Member.objects.visible_to(world.secretary).values_list("organization__path", flat=True))
    assert secretary_sees and all(p.startswith(world.branch_a1.path) for p in secretary_sees)
    assert (
        not Member.objects.visible_to(world.outsider)
        .filter(organization=world.branch_a1)
        .exclude(user=world.outsider)
        .exists()
    )


def test_a_second_root_is_refused_by_the_service_and_the_database(world):
    with pytest.raises(ValidationError) as refused:
        services.create_organization(actor=audit.SYSTEM, name="另一工委", kind=OrganizationKind.COMMITTEE, parent=None)
    assert "根组织" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="另一工委", kind=OrganizationKind.COMMITTEE, parent=None, path="/x/")


def test_in_subtree_needs_no_condition_on_the_tree_for_the_root(world):
    from branches.querysets import in_subtree

    everyone = set(Member.objects.values_list("pk", flat=True))
    assert set(in_subtree(Member.objects.all(), "organization", world.root).values_list("pk", flat=True)) == everyone
    assert "branches_organization" not in str(in_subtree(Member.objects.all(), "organization", world.root).query)
    below = set(
        in_subtree(Member.objects.all(), "organization", world.unit_a).values_list("organization__path", flat=True)
    )
    assert below and all(p.startswith(world.unit_a.path) for p in below)


def test_in_subtree_of_the_root_drops_the_join_only_where_no_key_on_the_way_can_be_null(world):
    from branches.querysets import in_subtree
    from practice.service.models import VolunteerService
    from practice.service.services import log_service

    day = datetime.date(2026, 5, 10)
    for key in ("member", "outsider"):
        log_service(
            actor=world.committee,
            member=world.members[key],
            date=day,
            community="c",
            activity="a",
            hours=1,
            today=day,
        )
    city = in_subtree(VolunteerService.objects.all(), "member__organization", world.root)
    assert city.count() == 2 and "branches_member" not in str(city.query)
    # A nullable key (a member's party group) still needs its condition: members outside any group are not in it.
    grouped = in_subtree(Member.objects.all(), "party_group", world.root)
    assert "IS NOT NULL" in str(grouped.query) and not grouped.exists()
