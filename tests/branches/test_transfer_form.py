"""开具转接介绍信 from a member's page: the form, which lists every organisation of the tree, is fetched when the
secretary opens it (htmx), or opened as a page of its own without JavaScript; the member's page stays small."""

import pytest
from django.urls import reverse

from branches import audit, services
from branches.models import MemberCategory, OrganizationKind, Transfer

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _url(member):
    return reverse("branches:member_transfer", args=[member.pk])


def test_the_members_page_links_the_form_instead_of_listing_the_tree(world, client_for, django_assert_max_num_queries):
    member = world.members["member"]
    client = client_for(world.secretary)
    page = reverse("branches:member_detail", args=[member.pk])
    with django_assert_max_num_queries(30) as before:
        body = client.get(page).content.decode()
    assert 'name="to_org"' not in body
    assert f'hx-get="{_url(member)}"' in body and f'href="{_url(member)}"' in body and "填写转接介绍信" in body
    size = len(body)
    for i in range(30):
        services.create_organization(
            actor=audit.SYSTEM, name=f"新设第{i}党支部", kind=OrganizationKind.BRANCH, parent=world.unit_b
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert len(client.get(page).content.decode()) == size


def test_htmx_gets_the_form_alone_and_a_plain_visit_gets_a_page(world, client_for):
    member = world.members["member"]
    client = client_for(world.secretary)
    part = client.get(_url(member), **HX).content.decode()
    assert part.lstrip().startswith("<form") and "<html" not in part
    assert 'name="to_org"' in part and "乙局第一党支部" in part and 'name="csrfmiddlewaretoken"' in part
    page = client.get(_url(member)).content.decode()
    assert "<html" in page and 'data-testid="breadcrumbs"' in page and 'name="to_org"' in page
    assert "开具转接介绍信 · member-党员" in page


def test_the_form_is_for_people_in_scope_who_may_change_party_members(world, client_for):
    member = world.members["member"]
    for persona in ("outsider", "other_admin", "member", "nobody"):
        assert client_for(world.users[persona]).get(_url(member), **HX).status_code == 404, persona
    applicant = services.create_member(
        actor=audit.SYSTEM, organization=world.branch_a1, name="申请人", category=MemberCategory.APPLICANT
    )
    assert client_for(world.secretary).get(_url(applicant)).status_code == 404
    for persona in ("secretary", "unit_admin", "committee"):
        assert client_for(world.users[persona]).get(_url(member), **HX).status_code == 200, persona


def test_signed_out_htmx_gets_401_and_a_plain_visit_the_login(world, client):
    member = world.members["member"]
    assert client.get(_url(member), **HX).status_code == 401
    response = client.get(_url(member))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_bad_input_shows_the_form_again_with_what_to_fix_and_saves_nothing(world, client_for):
    member = world.members["member"]
    client = client_for(world.secretary)
    response = client.post(_url(member), {"scope": "in_province"})
    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
    response = client.post(_url(member), {"to_org": "9" * 30, "scope": "nowhere"})
    assert response.status_code == 400 and 'name="to_org"' in response.content.decode()
    assert not Transfer.objects.exists()
    ok = client.post(_url(member), {"to_org": world.branch_b1.pk, "scope": "in_province"})
    letter = Transfer.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("branches:transfer_detail", args=[letter.pk])
    again = client.post(_url(member), {"to_org": world.branch_b1.pk, "scope": "in_province"})
    assert again.status_code == 400 and "介绍信" in again.content.decode() and Transfer.objects.count() == 1
