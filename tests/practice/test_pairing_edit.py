"""The pairing edit page: same service as the API (update_pairing), managers only, 404 for anyone else (issue 19)."""

import datetime

import pytest
from django.urls import reverse

from branches.models import AuditEntry
from practice.pairing import services

from .test_pairing import make_pairing

pytestmark = pytest.mark.django_db


def form_data(**kw):
    return {
        "partner_name": "幸福社区党委",
        "partner_kind": "community",
        "partner_district": "东城区",
        "partner_contact": "社区党委办公室",
        "goals": "共学共建",
        "annual_plan": "每季度一次联学",
        **kw,
    }


def test_a_manager_edits_the_pairing_on_the_page_and_it_is_audited(world, client_for):
    p = make_pairing(world)
    c = client_for(world.unit_admin)
    url = reverse("practice:pairing_update", args=[p.pk])
    page = c.get(url)
    assert page.status_code == 200 and page.context["form"].initial["partner_name"] == "幸福社区党委"
    assert "organization" not in page.context["form"].fields  # our side and the start stay as recorded
    r = c.post(url, form_data(partner_name="幸福社区联合党委", annual_plan="每月一次"))
    assert r.status_code == 302 and r["Location"] == reverse("practice:pairing_detail", args=[p.pk])
    p.refresh_from_db()
    assert p.partner_name == "幸福社区联合党委" and p.annual_plan == "每月一次" and p.partner_district == "东城区"
    entry = AuditEntry.objects.get(action="pairing.update", object_id=str(p.pk))
    assert entry.before["partner_name"] == "幸福社区党委" and entry.after["partner_name"] == "幸福社区联合党委"
    assert 'data-testid="edit-pairing"' in c.get(reverse("practice:pairing_detail", args=[p.pk])).content.decode()


def test_bad_input_is_answered_in_place_and_nothing_changes(world, client_for):
    p = make_pairing(world)
    r = client_for(world.unit_admin).post(
        reverse("practice:pairing_update", args=[p.pk]), form_data(partner_name=" ", partner_kind="moon")
    )
    assert r.status_code == 200 and r.context["form"].errors
    p.refresh_from_db()
    assert p.partner_name == "幸福社区党委"


def test_the_edit_page_is_for_managers_inside_and_above_only(world, client_for):
    p = make_pairing(world)
    url = reverse("practice:pairing_update", args=[p.pk])
    for persona in ("committee", "unit_admin"):  # above
        assert client_for(world.users[persona]).get(url).status_code == 200, persona
    for persona in ("secretary", "member", "outsider", "other_admin", "nobody"):  # inside without the right, beside
        assert client_for(world.users[persona]).get(url).status_code == 404, persona
        assert client_for(world.users[persona]).post(url, form_data(partner_name="x")).status_code == 404, persona
    p.refresh_from_db()
    assert p.partner_name == "幸福社区党委"


def test_an_ended_pairing_cannot_be_edited(world, client_for):
    p = make_pairing(world)
    services.end_pairing(actor=world.unit_admin, pairing=p, end_date=datetime.date(2026, 6, 30))
    c = client_for(world.unit_admin)
    url = reverse("practice:pairing_update", args=[p.pk])
    assert c.get(url).status_code == 302
    r = c.post(url, form_data(partner_name="改名"))
    assert r.status_code == 200 and r.context["form"].non_field_errors()
    p.refresh_from_db()
    assert p.partner_name == "幸福社区党委"


def test_the_edit_page_runs_fixed_queries(world, client_for, django_assert_max_num_queries):
    from tests.notices.helpers import count_queries

    p = make_pairing(world)
    c = client_for(world.unit_admin)
    url = reverse("practice:pairing_update", args=[p.pk])
    c.get(url)
    with count_queries() as few:
        c.get(url)
    for i in range(3):
        make_pairing(world, partner_name=f"社区{i}")
    with django_assert_max_num_queries(few.n):
        c.get(url)
