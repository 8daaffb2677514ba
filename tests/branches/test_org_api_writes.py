"""The organisation tree's writes (create, rename, move) and revealing an ID number through the API, as each
persona, with the pages' messages and audit records."""

import pytest
from django.urls import reverse
from django.utils import translation

from branches import audit, idnumbers, services
from branches.models import Organization
from tests.parity import OUTSIDERS, assert_same_audit, mark, trail

pytestmark = pytest.mark.django_db

FULL_ID = idnumbers.make("11010519800101123")


def _zh(message):
    with translation.override("zh-hans"):
        return str(translation.gettext(message))


def test_creating_renaming_and_moving_through_the_api_audits_as_the_pages(world, client_for, api_for):
    page, api = client_for(world.unit_admin), api_for(world.unit_admin)
    start = mark()
    page.post(
        reverse("branches:organization_create"),
        {"name": "页面总支", "kind": "general_branch", "parent": world.unit_a.pk},
    )
    general = Organization.objects.get(name="页面总支")
    page.post(
        reverse("branches:organization_create"), {"name": "页面支部", "kind": "branch", "parent": world.unit_a.pk}
    )
    branch = Organization.objects.get(name="页面支部")
    page.post(reverse("branches:organization_rename", args=[branch.pk]), {"name": "新名支部"})
    page.post(reverse("branches:organization_move", args=[branch.pk]), {"parent": general.pk})
    middle = mark()
    made = api.post("/api/v1/organizations/", {"name": "接口总支", "kind": "general_branch", "parent": world.unit_a.pk})
    assert made.status_code == 201 and made.json()["kind"] == "general_branch" and made.json()["depth"] == 2
    other = api.post("/api/v1/organizations/", {"name": "接口支部", "kind": "branch", "parent": world.unit_a.pk})
    assert other.status_code == 201
    pk = other.json()["id"]
    renamed = api.post(f"/api/v1/organizations/{pk}/rename/", {"name": "  新名支部 "}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "新名支部"
    moved = api.post(f"/api/v1/organizations/{pk}/move/", {"parent": made.json()["id"]}, format="json")
    assert moved.status_code == 200 and moved.json()["parent"] == made.json()["id"] and moved.json()["depth"] == 3
    # Two like organisations, named apart, under two like parents: each record is on its own organisation.
    ignore = ("name", "path", "parent")
    page_trail = [e[:3] + e[4:] for e in trail(start, middle, ignore=ignore)]
    assert [e[0] for e in page_trail] == ["organization.create"] * 2 + ["organization.update", "organization.move"]
    assert_same_audit(page_trail, [e[:3] + e[4:] for e in trail(middle, ignore=ignore)])
    assert [e[5]["name"] for e in trail(middle)][2] == "新名支部"


def test_bad_input_is_answered_with_the_pages_words(world, api_for):
    api = api_for(world.unit_admin)
    since = mark()
    assert api.post(f"/api/v1/organizations/{world.branch_a1.pk}/rename/", {"name": ""}).json() == {
        "name": [_zh("Enter a name.")]
    }
    assert api.post(f"/api/v1/organizations/{world.branch_a1.pk}/move/", {}).json() == {
        "parent": [_zh("Choose where to move it.")]
    }
    wrong = api.post("/api/v1/organizations/", {"name": "小组", "kind": "group", "parent": world.unit_a.pk})
    assert wrong.status_code == 400 and list(wrong.json()) == ["kind"]
    assert trail(since) == []


@pytest.mark.parametrize("persona", (*OUTSIDERS, "secretary", "member"))
def test_only_the_trees_managers_change_it(world, api_for, persona):
    api = api_for(world.users[persona])
    since = mark()
    assert api.post(f"/api/v1/organizations/{world.branch_a1.pk}/rename/", {"name": "改名"}).status_code == 404
    assert api.post(f"/api/v1/organizations/{world.branch_a1.pk}/move/", {"parent": world.unit_a.pk}).status_code == 404
    created = api.post("/api/v1/organizations/", {"name": "新支部", "kind": "branch", "parent": world.unit_a.pk})
    # Who manages no organisation is refused as on the page (403); the other unit's admin finds no such parent.
    assert created.status_code == (404 if persona == "other_admin" else 403)
    assert trail(since) == [] and not Organization.objects.filter(name__in=["改名", "新支部"]).exists()


def test_a_unit_admin_moves_nothing_into_another_unit_and_the_committee_above_may(world, api_for):
    assert (
        api_for(world.unit_admin)
        .post(f"/api/v1/organizations/{world.branch_a2.pk}/move/", {"parent": world.unit_b.pk})
        .status_code
        == 404
    )
    moved = api_for(world.committee).post(
        f"/api/v1/organizations/{world.branch_a2.pk}/move/", {"parent": world.unit_b.pk}
    )
    assert moved.status_code == 200 and moved.json()["parent"] == world.unit_b.pk


def test_revealing_an_id_number_through_the_api_is_audited_as_on_the_page(world, client_for, api_for):
    person = world.members["member"]
    services.update_member(actor=audit.SYSTEM, member=person, id_number=FULL_ID)
    start = mark()
    assert (
        FULL_ID
        in client_for(world.secretary).post(reverse("branches:member_unmask", args=[person.pk])).content.decode()
    )
    middle = mark()
    shown = api_for(world.secretary).post(f"/api/v1/members/{person.pk}/unmask/")
    assert shown.status_code == 200 and shown.json() == {"id_number": FULL_ID}
    page_trail = trail(start, middle)
    assert [e[0] for e in page_trail] == ["member.unmask.id_number"]
    assert_same_audit(page_trail, trail(middle))
    assert api_for(world.committee).post(f"/api/v1/members/{person.pk}/unmask/").json() == {"id_number": FULL_ID}


@pytest.mark.parametrize("persona", (*OUTSIDERS, "member"))
def test_only_who_may_see_full_id_numbers_reveals_one(world, api_for, persona):
    person = world.members["member"]
    services.update_member(actor=audit.SYSTEM, member=person, id_number=FULL_ID)
    since = mark()
    response = api_for(world.users[persona]).post(f"/api/v1/members/{person.pk}/unmask/")
    assert response.status_code == 404 and FULL_ID not in response.content.decode()
    assert trail(since) == []


def test_the_rename_and_move_pages_flash_the_same_words_as_the_api(world, client_for):
    page = client_for(world.unit_admin)
    for name, data, message in (
        ("branches:organization_rename", {"name": ""}, "Enter a name."),
        ("branches:organization_move", {}, "Choose where to move it."),
    ):
        response = page.post(reverse(name, args=[world.branch_a1.pk]), data, follow=True)
        assert [str(m) for m in response.context["messages"]] == [_zh(message)]
