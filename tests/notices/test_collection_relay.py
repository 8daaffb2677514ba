"""A unit collects from its own branches and passes the aggregate up to the committee (issue 17)."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.models import AuditEntry
from notices.collection import relay, services
from notices.models import MaterialRequest, Submission, SubmissionStatus

from .collection_factories import docx, request
from .helpers import count_queries

pytestmark = pytest.mark.django_db

FIELDS = [
    {"key": "count", "label": "党员人数", "type": "number", "required": True},
    {"key": "kind", "label": "类型", "type": "choice", "choices": ["机关", "事业"]},
    {"key": "story", "label": "特色做法", "type": "text"},
]


def sub_of(req, org):
    return Submission.objects.get(request=req, organization=org)


def committee_request(world):
    return request(world, fields=FIELDS, targets=[world.unit_a, world.unit_b])


def relayed(world, req=None, targets=None):
    req = req or committee_request(world)
    unit_sub = sub_of(req, world.unit_a)
    below = relay.relay_request(
        actor=world.unit_admin,
        submission=unit_sub,
        targets=targets or [world.branch_a1, world.branch_a2],
        deadline=req.deadline - datetime.timedelta(days=3),
    )
    return req, unit_sub, below


def answer_and_accept(world, below, org, user, answers, accept=True):
    sub = services.save_answer(
        actor=user, submission=sub_of(below, org), answers=answers, files={"": docx()}, submit=True
    )
    if accept:
        services.accept_submission(actor=world.unit_admin, submission=sub)
    return sub


def test_a_unit_relays_the_committees_request_to_its_branches(world):
    req, unit_sub, below = relayed(world)
    assert below.organization == world.unit_a and below.relayed_from == unit_sub
    assert below.fields == req.fields and below.title == req.title
    assert set(below.submissions.values_list("organization", flat=True)) == {world.branch_a1.pk, world.branch_a2.pk}
    assert AuditEntry.objects.filter(action="collection.relay", object_id=str(below.pk)).exists()


def test_the_relay_deadline_cannot_be_later_than_the_units_own(world):
    req = committee_request(world)
    with pytest.raises(ValidationError):
        relay.relay_request(
            actor=world.unit_admin,
            submission=sub_of(req, world.unit_a),
            targets=[world.branch_a1],
            deadline=req.deadline + datetime.timedelta(days=1),
        )


def test_only_the_answering_unit_relays_and_only_below_itself(world):
    req = committee_request(world)
    with pytest.raises(PermissionDenied):
        relay.relay_request(
            actor=world.other_admin,
            submission=sub_of(req, world.unit_a),
            targets=[world.branch_b1],
            deadline=req.deadline,
        )
    with pytest.raises(ValidationError):
        relay.relay_request(
            actor=world.unit_admin,
            submission=sub_of(req, world.unit_a),
            targets=[world.branch_b1],
            deadline=req.deadline,
        )


def test_the_aggregate_sums_numbers_lists_texts_and_keeps_a_shared_choice(world):
    answers = relay.aggregate_answers(
        FIELDS,
        [
            ("一支部", {"count": "12", "kind": "机关", "story": "读书班"}),
            ("二支部", {"count": "30.5", "kind": "机关", "story": ""}),
        ],
    )
    assert answers == {"count": "42.5", "kind": "机关", "story": "一支部：读书班"}
    mixed = relay.aggregate_answers(FIELDS, [("一", {"kind": "机关"}), ("二", {"kind": "事业"})])
    assert "kind" not in mixed


def test_only_accepted_answers_are_passed_up_with_their_files(world):
    req, unit_sub, below = relayed(world)
    answer_and_accept(world, below, world.branch_a1, world.secretary, {"count": "12", "kind": "机关"})
    answer_and_accept(world, below, world.branch_a2, world.outsider, {"count": "99"}, accept=False)
    sub = relay.pass_up(actor=world.unit_admin, submission=unit_sub)
    assert sub.status == SubmissionStatus.DRAFT
    assert sub.answers["count"] == "12" and sub.answers["kind"] == "机关"
    names = set(sub.files.values_list("original_name", flat=True))
    assert names == {"甲局第一党支部-材料.docx", "甲局机关党委汇总.xlsx"}
    entry = AuditEntry.objects.get(action="collection.aggregate", object_id=str(sub.pk))
    assert entry.after["from_submissions"] == [sub_of(below, world.branch_a1).pk]


def test_passing_up_again_replaces_the_gathered_files(world):
    req, unit_sub, below = relayed(world)
    answer_and_accept(world, below, world.branch_a1, world.secretary, {"count": "1"})
    relay.pass_up(actor=world.unit_admin, submission=unit_sub)
    answer_and_accept(world, below, world.branch_a2, world.outsider, {"count": "2"})
    sub = relay.pass_up(actor=world.unit_admin, submission=unit_sub)
    assert sub.answers["count"] == "3"
    assert sub.files.filter(aggregated=True).count() == 3  # two branch files and one summary sheet


def test_nothing_to_pass_up_is_a_clear_error(world):
    req = committee_request(world)
    with pytest.raises(ValidationError, match="Ask the organisations below first|先向下级"):
        relay.pass_up(actor=world.unit_admin, submission=sub_of(req, world.unit_a))
    req, unit_sub, below = relayed(world, req)
    with pytest.raises(ValidationError):
        relay.pass_up(actor=world.unit_admin, submission=unit_sub)
    with pytest.raises(PermissionDenied):
        relay.pass_up(actor=world.other_admin, submission=unit_sub)


def test_the_committee_accepts_the_aggregate_and_its_zip_holds_the_branch_files(world, client_for):
    req, unit_sub, below = relayed(world)
    answer_and_accept(world, below, world.branch_a1, world.secretary, {"count": "12", "kind": "机关"})
    answer_and_accept(world, below, world.branch_a2, world.outsider, {"count": "8", "kind": "机关"})
    sub = relay.pass_up(actor=world.unit_admin, submission=unit_sub, submit=True)
    assert sub.status == SubmissionStatus.SUBMITTED and sub.answers["count"] == "20"
    services.accept_submission(actor=world.committee, submission=sub)
    response = client_for(world.committee).get(reverse("notices:request_zip", args=[req.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert set(archive.namelist()) == {
        "甲局机关党委/甲局第一党支部-材料.docx",
        "甲局机关党委/甲局第二党支部-材料.docx",
        "甲局机关党委/甲局机关党委汇总.xlsx",
    }


def test_the_pages_relay_and_pass_up_and_are_404_outside(world, client_for):
    req = committee_request(world)
    unit_sub = sub_of(req, world.unit_a)
    c = client_for(world.unit_admin)
    page = c.get(reverse("notices:submission_detail", args=[unit_sub.pk]))
    assert 'data-testid="relay-form"' in page.content.decode()
    bad = c.post(
        reverse("notices:submission_relay", args=[unit_sub.pk]),
        {"targets": [world.branch_a1.pk], "target_mode": "chosen", "deadline": "not a date"},
        follow=True,
    )
    assert not MaterialRequest.objects.filter(relayed_from=unit_sub).exists()
    assert any("日期" in str(m) or "date" in str(m) for m in bad.context["messages"])
    r = c.post(
        reverse("notices:submission_relay", args=[unit_sub.pk]),
        {"targets": [world.unit_a.pk], "target_mode": "branches", "deadline": str(req.deadline)},
    )
    below = MaterialRequest.objects.get(relayed_from=unit_sub)
    assert r.status_code == 302 and r["Location"] == reverse("notices:request_detail", args=[below.pk])
    assert set(below.submissions.values_list("organization", flat=True)) == {world.branch_a1.pk, world.branch_a2.pk}
    answer_and_accept(world, below, world.branch_a1, world.secretary, {"count": "4"})
    c.post(reverse("notices:submission_pass_up", args=[unit_sub.pk]))
    unit_sub.refresh_from_db()
    assert unit_sub.status == SubmissionStatus.DRAFT and unit_sub.answers["count"] == "4"
    for persona in (world.other_admin, world.secretary):  # beside, below
        other = client_for(persona)
        assert other.post(reverse("notices:submission_pass_up", args=[unit_sub.pk])).status_code == 404
        assert other.post(reverse("notices:submission_relay", args=[unit_sub.pk]), {}).status_code == 404
    assert client_for(world.other_admin).get(reverse("notices:request_detail", args=[below.pk])).status_code == 404
    # Above: the committee sees where the unit's answer came from.
    body = client_for(world.committee).get(reverse("notices:submission_detail", args=[unit_sub.pk])).content.decode()
    assert reverse("notices:request_detail", args=[below.pk]) in body
    assert client_for(world.committee).get(reverse("notices:request_detail", args=[below.pk])).status_code == 200


def test_the_submission_page_runs_fixed_queries_whatever_the_number_of_relays(world, client_for):
    req, unit_sub, below = relayed(world)
    c = client_for(world.committee)
    url = reverse("notices:submission_detail", args=[unit_sub.pk])
    c.get(url)
    with count_queries() as one:
        c.get(url)
    relay.relay_request(
        actor=world.unit_admin, submission=unit_sub, targets=[world.branch_a2], deadline=timezone.localdate()
    )
    relay.relay_request(
        actor=world.unit_admin, submission=unit_sub, targets=[world.branch_a1], deadline=timezone.localdate()
    )
    with count_queries() as three:
        c.get(url)
    assert three.n == one.n


def test_the_api_relays_and_passes_up_through_the_same_services(world, api_for):
    req = committee_request(world)
    unit_sub = sub_of(req, world.unit_a)
    api = api_for(world.unit_admin)
    late = api.post(
        f"/api/v1/submissions/{unit_sub.pk}/relay/",
        {
            "targets": [world.branch_a1.pk],
            "target_mode": "chosen",
            "deadline": str(req.deadline + datetime.timedelta(1)),
        },
        format="json",
    )
    assert late.status_code == 400 and "deadline" in late.json()
    r = api.post(
        f"/api/v1/submissions/{unit_sub.pk}/relay/",
        {"targets": [world.branch_a1.pk], "target_mode": "chosen", "deadline": str(req.deadline)},
        format="json",
    )
    assert r.status_code == 201 and r.json()["relayed_from"] == unit_sub.pk
    below = MaterialRequest.objects.get(pk=r.json()["id"])
    assert api.post(f"/api/v1/submissions/{unit_sub.pk}/pass-up/", {}, format="json").status_code == 400
    answer_and_accept(world, below, world.branch_a1, world.secretary, {"count": "7"})
    assert api_for(world.other_admin).post(f"/api/v1/submissions/{unit_sub.pk}/pass-up/").status_code == 404
    assert api_for(world.secretary).post(f"/api/v1/submissions/{unit_sub.pk}/relay/", {}).status_code == 404
    done = api.post(f"/api/v1/submissions/{unit_sub.pk}/pass-up/", {"submit": True}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert done.json()["answers"]["count"] == "7"
