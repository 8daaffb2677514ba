import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.models import AuditEntry
from notices.collection import services
from notices.models import Submission, SubmissionStatus

from .collection_factories import docx, request
from .helpers import count_queries

pytestmark = pytest.mark.django_db


def sub_of(req, org):
    return Submission.objects.get(request=req, organization=org)


def test_a_request_creates_one_pending_submission_per_target(world):
    req = request(world)
    assert set(req.submissions.values_list("status", flat=True)) == {SubmissionStatus.PENDING}
    assert req.submissions.count() == 3


def test_targets_must_lie_below_the_requester(world):
    with pytest.raises(ValidationError):
        request(world, org=world.unit_a, targets=[world.branch_b1])
    with pytest.raises(PermissionDenied):
        request(world, org=world.root, actor=world.unit_admin)


def test_fields_are_data_and_checked(world):
    with pytest.raises(ValidationError):
        request(world, fields=[{"label": "类型", "type": "choice"}])
    with pytest.raises(ValidationError):
        request(world, fields=[{"label": "x", "type": "video"}])


def test_draft_submit_return_resubmit_accept(world):
    req = request(world)
    sub = sub_of(req, world.branch_a1)
    with pytest.raises(ValidationError):
        services.save_answer(actor=world.secretary, submission=sub, answers={"count": "abc"}, submit=True)
    sub = services.save_answer(actor=world.secretary, submission=sub, answers={"kind": "机关"})
    assert sub.status == SubmissionStatus.DRAFT
    with pytest.raises(ValidationError):  # required number missing
        services.save_answer(actor=world.secretary, submission=sub, answers={"kind": "机关"}, submit=True)
    sub = services.save_answer(
        actor=world.secretary, submission=sub, answers={"count": "30"}, files={"": docx()}, submit=True
    )
    assert sub.status == SubmissionStatus.SUBMITTED and not sub.is_late
    with pytest.raises(ValidationError):
        services.save_answer(actor=world.secretary, submission=sub, answers={"count": "31"}, submit=True)
    with pytest.raises(ValidationError):
        services.return_submission(actor=world.committee, submission=sub, reason="")
    sub = services.return_submission(actor=world.committee, submission=sub, reason="人数有误")
    assert sub.status == SubmissionStatus.RETURNED and sub.returned_count == 1
    sub = services.save_answer(actor=world.secretary, submission=sub, answers={"count": "31"}, submit=True)
    sub = services.accept_submission(actor=world.committee, submission=sub)
    assert sub.status == SubmissionStatus.ACCEPTED
    actions = list(AuditEntry.objects.filter(action__startswith="collection.").values_list("action", flat=True))
    assert actions.count("collection.submit") == 2 and "collection.return" in actions and "collection.accept" in actions


def test_only_the_target_answers_and_only_the_requester_reviews(world):
    req = request(world)
    with pytest.raises(PermissionDenied):
        services.save_answer(actor=world.outsider, submission=sub_of(req, world.branch_a1), answers={"count": "1"})
    sub = services.save_answer(
        actor=world.secretary,
        submission=sub_of(req, world.branch_a1),
        answers={"count": "1"},
        files={"": docx()},
        submit=True,
    )
    with pytest.raises(PermissionDenied):
        services.accept_submission(actor=world.unit_admin, submission=sub)


def test_a_submission_after_the_deadline_is_late(world):
    req = request(world)
    later = timezone.now() + datetime.timedelta(days=20)
    sub = services.save_answer(
        actor=world.secretary, submission=sub_of(req, world.branch_a1), answers={"count": "1"}, submit=True, now=later
    )
    assert sub.is_late


def test_a_unit_admin_collects_from_its_own_subtree(world, client_for):
    req = request(world, org=world.unit_a, actor=world.unit_admin, targets=[world.branch_a1, world.branch_a2])
    sub = services.save_answer(
        actor=world.outsider, submission=sub_of(req, world.branch_a2), answers={"count": "5"}, submit=True
    )
    services.accept_submission(actor=world.unit_admin, submission=sub)
    page = client_for(world.unit_admin).get(reverse("notices:request_detail", args=[req.pk]))
    assert page.status_code == 200
    assert client_for(world.other_admin).get(reverse("notices:request_detail", args=[req.pk])).status_code == 404


def test_the_overview_counts_equal_the_filtered_lists(world, client_for, django_assert_max_num_queries):
    req = request(world)
    services.save_answer(
        actor=world.secretary, submission=sub_of(req, world.branch_a1), answers={"count": "1"}, submit=True
    )
    c = client_for(world.committee)
    url = reverse("notices:request_detail", args=[req.pk])
    c.get(url)
    c.get(url)
    with count_queries() as few:
        body = c.get(url).content.decode()
    assert "已报 1" in body or "Submitted 1" in body
    listed = c.get(url + "?status=submitted")
    assert listed.context["page_obj"].paginator.count == 1
    request(world, title="另一个")
    with django_assert_max_num_queries(few.n):
        c.get(url)


def test_zip_of_accepted_files_is_named_by_organisation(world, client_for):
    req = request(world)
    for org, user in ((world.branch_a1, world.secretary), (world.branch_a2, world.outsider)):
        sub = services.save_answer(
            actor=user, submission=sub_of(req, org), answers={"count": "2"}, files={"": docx()}, submit=True
        )
        if org == world.branch_a1:
            services.accept_submission(actor=world.committee, submission=sub)
    response = client_for(world.committee).get(reverse("notices:request_zip", args=[req.pk]))
    assert response.status_code == 200 and response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["甲局第一党支部/材料.docx"]


def test_excel_export_lists_the_structured_answers(world, client_for):
    from openpyxl import load_workbook

    req = request(world)
    services.save_answer(
        actor=world.secretary,
        submission=sub_of(req, world.branch_a1),
        answers={"count": "12", "kind": "机关"},
        submit=True,
    )
    response = client_for(world.committee).get(reverse("notices:request_excel", args=[req.pk]))
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.values)
    assert rows[0][:5] == ("组织", "状态", "报送时间", "逾期", "党员人数")
    assert rows[1][0] == "甲局第一党支部" and rows[1][4] == "12"


def test_the_answer_page_saves_submits_and_the_review_returns(world, client_for):
    req = request(world)
    sub = sub_of(req, world.branch_a1)
    c = client_for(world.secretary)
    url = reverse("notices:submission_detail", args=[sub.pk])
    assert c.get(url).status_code == 200
    r = c.post(url, {"f_count": "8", "f_kind": "机关", "note": "", "submit": "1", "file": docx()})
    assert r.status_code == 302
    again = c.post(url, {"f_count": "9", "submit": "1"})
    assert again.status_code == 200  # under review: refused in place with the message
    sub.refresh_from_db()
    assert sub.answers["count"] == "8"
    committee = client_for(world.committee)
    committee.post(reverse("notices:submission_review", args=[sub.pk]), {"decision": "return", "reason": "请补充附件"})
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.RETURNED
    assert "请补充附件" in c.get(url).content.decode()
    assert client_for(world.outsider).get(url).status_code == 404


def test_the_api_answers_and_reviews_through_the_services(world, api_for):
    req = request(world)
    sub = sub_of(req, world.branch_a1)
    r = api_for(world.secretary).post(
        f"/api/v1/submissions/{sub.pk}/submit/", {"answers": {"count": "x"}}, format="json"
    )
    assert r.status_code == 400 and "answers" in r.json()
    r = api_for(world.secretary).post(
        f"/api/v1/submissions/{sub.pk}/submit/", {"answers": {"count": "3"}}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert api_for(world.outsider).post(f"/api/v1/submissions/{sub.pk}/accept/").status_code == 404
    assert (
        api_for(world.committee)
        .post(f"/api/v1/submissions/{sub.pk}/return/", {"reason": "补"}, format="json")
        .json()["status"]
        == "returned"
    )
    overview = api_for(world.committee).get(f"/api/v1/material-requests/{req.pk}/overview/").json()
    assert overview["returned"] == 1 and overview["pending"] == 2
    created = api_for(world.unit_admin).post(
        "/api/v1/material-requests/",
        {
            "organization": world.unit_a.pk,
            "title": "t",
            "deadline": str(timezone.localdate()),
            "targets": [world.branch_a1.pk],
            "form_fields": [{"label": "人数", "type": "number"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
