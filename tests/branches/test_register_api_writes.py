"""The register through the API: every write its pages offer, as each persona, with the page's audit record."""

import datetime

import pytest
from django.urls import reverse

from branches import idnumbers, register
from branches.models import CommitteePosition, Member, Term, Transfer
from tests.parity import OUTSIDERS, assert_same_audit, mark, shape, trail

pytestmark = pytest.mark.django_db

PERSON_KEYS = ("name", "id_number", "birth_date", "gender", "member")


def _person(world, name, seq):
    return {
        "name": name,
        "organization": world.branch_a1.pk,
        "category": "applicant",
        "status": "normal",
        "id_number": idnumbers.make(f"11010519900101{seq:03d}"),
        "gender": "male" if seq % 2 else "female",
        "ethnicity": "汉族",
        "job_title": "科员",
    }


def _edit(world, member):
    return {**_person(world, member.name, 0), "id_number": "", "job_title": "副主任科员"}


def test_member_step_and_transfer_writes_leave_the_pages_audit_records(world, api_for, client_for):
    page, api = client_for(world.secretary), api_for(world.secretary)
    start = mark()
    page.post(reverse("branches:member_create"), _person(world, "页面申请人", 1))
    first = Member.objects.get(name="页面申请人")
    page.post(reverse("branches:member_edit", args=[first.pk]), _edit(world, first))
    page.post(reverse("branches:member_step", args=[first.pk]), {"kind": "application", "date": "2026-11-02"})
    # Applicants do not transfer: the letters are for two party members of the branch.
    leaving = world.members["member"]
    page.post(
        reverse("branches:member_transfer", args=[leaving.pk]), {"to_org": world.branch_b1.pk, "scope": "in_province"}
    )
    middle = mark()
    created = api.post("/api/v1/members/", _person(world, "接口申请人", 2), format="json")
    assert created.status_code == 201 and "*" in created.json()["id_number"]
    second = Member.objects.get(pk=created.json()["id"])
    assert api.put(f"/api/v1/members/{second.pk}/", _edit(world, second), format="json").status_code == 200
    step = api.post(f"/api/v1/members/{second.pk}/steps/", {"kind": "application", "date": "2026-11-02"}, format="json")
    assert step.status_code == 201 and step.json()["kind"] == "application", step.json()
    leaving = Member.objects.create(organization=world.branch_a1, name="另一位党员", category="full")
    letter = api.post(
        f"/api/v1/members/{leaving.pk}/transfer/", {"to_org": world.branch_b1.pk, "scope": "in_province"}, format="json"
    )
    assert letter.status_code == 201 and letter.json()["status"] == "issued", letter.json()
    page_trail = trail(start, middle, ignore=PERSON_KEYS)
    assert [e[0] for e in page_trail] == ["member.create", "member.update", "development.step", "transfer.issue"]
    assert_same_audit(page_trail, trail(middle, ignore=PERSON_KEYS))

    # The receiver (the other unit's admin) accepts one letter on the page and one through the API.
    letters = list(Transfer.objects.order_by("pk"))
    start = mark()
    client_for(world.other_admin).post(reverse("branches:transfer_detail", args=[letters[0].pk]), {"accept": "1"})
    middle = mark()
    accepted = api_for(world.other_admin).post(f"/api/v1/transfers/{letters[1].pk}/accept/", format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert [e[0] for e in trail(start, middle)] == ["member.transfer", "transfer.accept"]
    assert_same_audit(trail(start, middle, ignore=PERSON_KEYS), trail(middle, ignore=PERSON_KEYS))


def test_rejecting_a_letter_and_the_committee_writes_leave_the_pages_audit_records(world, api_for, client_for):
    one = register.issue_transfer(actor=world.secretary, member=world.members["member"], to_org=world.branch_b1)
    two = register.issue_transfer(actor=world.secretary, member=world.members["secretary"], to_org=world.branch_b1)
    start = mark()
    page = client_for(world.other_admin)
    page.post(reverse("branches:transfer_detail", args=[one.pk]), {"reason": "材料不全"})
    middle = mark()
    api = api_for(world.other_admin)
    empty = api.post(f"/api/v1/transfers/{two.pk}/reject/", {}, format="json")
    assert empty.status_code == 400 and "reason" in empty.json()
    assert api.post(f"/api/v1/transfers/{two.pk}/reject/", {"reason": "材料不全"}, format="json").status_code == 200
    assert_same_audit(trail(start, middle, ignore=PERSON_KEYS), trail(middle, ignore=PERSON_KEYS))

    # Terms and seats: the page in one branch, the API in its sibling (each by its own secretary).
    position = CommitteePosition.objects.get(code="secretary")
    term = {"start": "2025-03-01", "change": "regular", "expected_voters": 10, "present_voters": 9}
    start = mark()
    page = client_for(world.secretary)
    url = reverse("branches:term_list", args=[world.branch_a1.pk])
    page.post(url, {"action": "term", **term})
    page.post(url, {"action": "seat", "member": world.members["secretary"].pk, "position": position.pk, "votes": 9})
    seat = Term.objects.get(organization=world.branch_a1).seats.get()
    page.post(url, {"action": "end_seat", "seat": seat.pk})
    middle = mark()
    api = api_for(world.outsider)
    made = api.post("/api/v1/terms/record/", {"organization": world.branch_a2.pk, **term}, format="json")
    assert made.status_code == 201 and made.json()["end"] == "2028-03-01"
    sibling = Member.objects.create(organization=world.branch_a2, name="乙支部书记", category="full")
    seat = api.post(
        f"/api/v1/terms/{made.json()['id']}/seats/", {"member": sibling.pk, "position": position.pk, "votes": 9}
    )
    assert seat.status_code == 201, seat.json()
    ended = api.post(f"/api/v1/terms/{made.json()['id']}/seats/{seat.json()['id']}/end/")
    assert ended.status_code == 200 and ended.json()["end"] == datetime.date.today().isoformat()
    assert [e[0] for e in trail(start, middle)] == ["term.create", "seat.create", "seat.end"]
    assert shape(trail(middle)) == shape(trail(start, middle))


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_every_register_write_outside_the_callers_scope_is_404_and_writes_nothing(world, api_for, persona):
    member = world.members["member"]
    term = register.record_term(actor=world.secretary, organization=world.branch_a1, start=datetime.date(2025, 3, 1))
    position = CommitteePosition.objects.get(code="secretary")
    seat = register.add_seat(actor=world.secretary, term=term, member=world.members["secretary"], position=position)
    incoming = register.issue_transfer(
        actor=world.other_admin,
        member=Member.objects.create(organization=world.branch_b1, name="调入者", category="full"),
        to_org=world.branch_a1,
    )
    client = api_for(world.users[persona])
    since = mark()
    writes = [
        ("post", "/api/v1/members/", _person(world, "越权", 9)),
        ("put", f"/api/v1/members/{member.pk}/", _edit(world, member)),
        ("post", f"/api/v1/members/{member.pk}/steps/", {"kind": "application", "date": "2026-11-02"}),
        ("post", f"/api/v1/members/{member.pk}/transfer/", {"to_org": world.branch_b1.pk, "scope": "in_province"}),
        ("post", "/api/v1/terms/record/", {"organization": world.branch_a1.pk, "start": "2026-03-01"}),
        ("post", f"/api/v1/terms/{term.pk}/seats/", {"member": world.members["member"].pk, "position": position.pk}),
        ("post", f"/api/v1/terms/{term.pk}/seats/{seat.pk}/end/", {}),
        ("post", f"/api/v1/transfers/{incoming.pk}/accept/", {}),
        ("post", f"/api/v1/transfers/{incoming.pk}/reject/", {"reason": "x"}),
    ]
    for method, url, body in writes:
        response = getattr(client, method)(url, body, format="json")
        if persona == "other_admin" and url.endswith("/transfer/"):
            continue  # never reached: the member is not theirs (checked below)
        assert response.status_code == 404, f"{persona} {method} {url}: {response.status_code}"
    assert trail(since) == []
    assert Transfer.objects.get(pk=incoming.pk).status == "issued"


@pytest.mark.parametrize("persona", ("secretary", "unit_admin", "committee"))
def test_inside_and_above_add_a_member_record_a_step_and_issue_a_letter(world, api_for, persona):
    client = api_for(world.users[persona])
    created = client.post("/api/v1/members/", _person(world, f"{persona}的申请人", 3), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["organization"] == world.branch_a1.pk and "*" in body["id_number"]
    pk = body["id"]
    bad = client.post(f"/api/v1/members/{pk}/steps/", {"kind": "conversion", "date": "2026-11-02"}, format="json")
    assert bad.status_code == 400
    good = client.post(f"/api/v1/members/{pk}/steps/", {"kind": "application", "date": "2026-11-02"}, format="json")
    assert good.status_code == 201
    duplicate = client.post("/api/v1/members/", _person(world, "同号", 3), format="json")
    assert duplicate.status_code == 400 and "id_number" in duplicate.json()
    actions = [e[0] for e in trail(0) if e[2] == world.users[persona].pk]
    assert actions == ["member.create", "development.step"]
