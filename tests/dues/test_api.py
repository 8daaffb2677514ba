import datetime
from decimal import Decimal

import pytest

from branches.models import AuditEntry
from dues import payments
from dues.models import Payment, Statement

from .helpers import member, with_base

JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def payer(world):
    return with_base(world, member(world, "王小明"), "5000", JAN)


def _pay(api, payer, **extra):
    body = {"member": payer.pk, "month": "2026-01", "amount": "50.00", "method": "cash", "paid_on": "2026-01-10"}
    return api.post("/api/v1/dues-payments/", {**body, **extra}, format="json")


@pytest.mark.django_db
def test_a_payment_through_the_api_is_the_same_as_on_the_page(world, api_for, payer):
    response = _pay(api_for(world.secretary), payer)
    assert response.status_code == 201, response.content
    assert response.json()["receipt_no"] == "2026-00001" and response.json()["month"] == "2026-01"
    entry = AuditEntry.objects.get(action="dues.payment_recorded")
    assert entry.actor == world.secretary and entry.after["amount"] == "50.00"


@pytest.mark.django_db
def test_bad_input_answers_400_with_a_message(world, api_for, payer):
    api = api_for(world.secretary)
    assert _pay(api, payer, amount="abc").status_code == 400
    assert _pay(api, payer, month="2026-13").status_code == 400
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_outsiders_cannot_pay_for_or_see_another_branch(world, api_for, payer):
    api = api_for(world.outsider)
    assert _pay(api, payer).status_code == 400  # the member is not among the choices
    p = payments.record_payment(
        actor=world.secretary, member=payer, month=JAN, amount=Decimal("50"), method="cash", paid_on=JAN
    )
    assert api.get(f"/api/v1/dues-payments/{p.pk}/").status_code == 404
    assert api.post(f"/api/v1/dues-payments/{p.pk}/reverse/", {"reason": "x"}, format="json").status_code == 404
    assert api.get(f"/api/v1/dues-collection/?org={world.branch_a1.pk}").status_code == 404


@pytest.mark.django_db
def test_reversal_statement_and_receipt_through_the_api(world, api_for, payer):
    secretary, admin = api_for(world.secretary), api_for(world.unit_admin)
    pk = _pay(secretary, payer).json()["id"]
    r = secretary.post(f"/api/v1/dues-payments/{pk}/reverse/", {"reason": "记错", "on": "2026-01-20"}, format="json")
    assert r.status_code == 201 and r.json()["amount"] == "-50.00" and r.json()["reverses"] == pk
    s = secretary.post(
        "/api/v1/dues-statements/", {"organization": world.branch_a1.pk, "month": "2026-01"}, format="json"
    )
    assert s.status_code == 201 and s.json()["closing"] == "0.00"
    assert secretary.post(f"/api/v1/dues-statements/{s.json()['id']}/receive/").status_code == 403
    assert admin.post(f"/api/v1/dues-statements/{s.json()['id']}/receive/").json()["status"] == "received"
    assert Statement.objects.get().received_by == world.unit_admin


@pytest.mark.django_db
def test_bases_reductions_and_collection_through_the_api(world, api_for):
    person = member(world, "李四")
    secretary, admin = api_for(world.secretary), api_for(world.unit_admin)
    b = secretary.post(
        "/api/v1/dues-bases/",
        {"member": person.pk, "category": "retired", "base": "5000.01", "effective_month": "2026-01"},
        format="json",
    )
    assert b.status_code == 201, b.content
    r = secretary.post(
        "/api/v1/dues-reductions/",
        {
            "member": person.pk,
            "kind": "reduce",
            "amount": "10.00",
            "from_month": "2026-01",
            "reason": "困难",
            "branch_decision": "支委会",
        },
        format="json",
    )
    assert r.status_code == 201
    assert (
        admin.post(f"/api/v1/dues-reductions/{r.json()['id']}/decide/", {"approve": True}, format="json").json()[
            "status"
        ]
        == "approved"
    )
    data = admin.get(f"/api/v1/dues-collection/?org={world.unit_a.pk}&period=2026-01").json()
    assert data["owed"] == 1 and data["rows"][0]["due"] == "10.00" and data["rate"] == 0.0


@pytest.mark.django_db
def test_a_member_reads_their_own_dues(world, api_for):
    with_base(world, world.members["member"], "3000.01", JAN)
    data = api_for(world.member).get("/api/v1/dues-mine/").json()
    assert data["member"] == world.members["member"].pk and data["months"][0]["due"] == "30.00"
    assert api_for(world.member).get("/api/v1/dues-payments/").json()["results"] == []
