import datetime

import pytest

from branches.memberfile import services
from branches.models import AuditEntry, Member, MemberCategory, MemberStatus


@pytest.fixture
def person(world):
    return Member.objects.create(
        organization=world.branch_a1, name="王档案", category=MemberCategory.FULL, join_date=datetime.date(2012, 5, 4)
    )


@pytest.mark.django_db
def test_mobility_through_the_api_is_the_page_service(world, api_for, person):
    api = api_for(world.secretary)
    r = api.post(
        "/api/v1/member-mobility/",
        {"member": person.pk, "place": "深圳", "since": "2026-03-01", "contact": "13800001111"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["contact"] == "138****1111"
    person.refresh_from_db()
    assert person.status == MemberStatus.MOBILE
    pk = r.json()["id"]
    a = api.post(
        f"/api/v1/member-mobility/{pk}/activity/",
        {"date": "2026-04-01", "organization_name": "深圳流动党支部", "content": "主题党日"},
        format="json",
    )
    assert a.status_code == 200 and len(a.json()["activities"]) == 1
    assert api.post(f"/api/v1/member-mobility/{pk}/end/", {"until": "2026-02-01"}, format="json").status_code == 400
    assert api.post(f"/api/v1/member-mobility/{pk}/end/", {"until": "2026-06-01"}, format="json").status_code == 200
    assert api_for(world.outsider).get(f"/api/v1/member-mobility/{pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="memberfile.mobile_recorded", actor=world.secretary).exists()


@pytest.mark.django_db
def test_discipline_lost_contact_and_abroad_through_the_api(world, api_for, person):
    api = api_for(world.secretary)
    d = api.post(
        "/api/v1/member-rewards/",
        {
            "member": person.pk,
            "kind": "discipline",
            "discipline": "probation",
            "title": "留党察看一年",
            "document_no": "纪〔2026〕1号",
            "date": "2026-01-10",
            "issuing_body": "市纪委",
            "ends_on": "2027-01-10",
        },
        format="json",
    )
    assert d.status_code == 201
    assert services.has_voting_rights_restriction(person, datetime.date(2026, 6, 1))
    lost = api.post(
        "/api/v1/member-lost-contact/",
        {"member": person.pk, "last_contact_on": "2026-01-01", "search_steps": "电话"},
        format="json",
    ).json()
    api.post(f"/api/v1/member-lost-contact/{lost['id']}/search-step/", {"step": "走访"}, format="json")
    found = api.post(f"/api/v1/member-lost-contact/{lost['id']}/found/", {"found_on": "2026-03-01"}, format="json")
    assert found.json()["found_on"] == "2026-03-01" and "走访" in found.json()["search_steps"]
    ab = api.post(
        "/api/v1/member-abroad/",
        {"member": person.pk, "destination": "法国", "departed_on": "2026-04-01"},
        format="json",
    ).json()
    back = api.post(f"/api/v1/member-abroad/{ab['id']}/return/", {"returned_on": "2026-05-01"}, format="json")
    assert back.json()["returned_on"] == "2026-05-01"
    assert (
        api_for(world.outsider)
        .post(
            "/api/v1/member-abroad/",
            {"member": person.pk, "destination": "x", "departed_on": "2026-04-01"},
            format="json",
        )
        .status_code
        == 400
    )


@pytest.mark.django_db
def test_care_through_the_api_is_masked_above_and_audited_inside(world, api_for, person):
    r = api_for(world.secretary).post(
        "/api/v1/member-care/",
        {"member": person.pk, "kind": "hardship", "date": "2026-05-01", "situation": "重病", "amount": "500.00"},
        format="json",
    )
    assert r.status_code == 201
    above = api_for(world.committee).get("/api/v1/member-care/").json()["results"][0]
    assert above["situation"] is None and above["amount"] is None and not above["in_clear"]
    assert not AuditEntry.objects.filter(action="memberfile.care_viewed").exists()
    inside = api_for(world.unit_admin).get(f"/api/v1/member-care/{r.json()['id']}/").json()
    assert inside["situation"] == "重病" and inside["amount"] == "500.00"
    assert AuditEntry.objects.filter(action="memberfile.care_viewed", actor=world.unit_admin).count() == 1
