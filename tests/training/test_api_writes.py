"""Study progress (quizzes) and hours claims through the API, as each persona, with the page's audit records."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.parity import OUTSIDERS, assert_same_audit, mark, shape, trail
from tests.training.factories import add_quiz, module_with_reading
from training import services
from training.models import Assignment, Choice, HoursClaim, QuizAttempt

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf():
    return SimpleUploadedFile("证书.pdf", PDF, content_type="application/pdf")


def _quiz(world, title):
    module, _reading = module_with_reading(world, title=title)
    quiz = add_quiz(module)
    due = datetime.date(datetime.date.today().year + 1, 1, 1)
    services.assign_module(actor=world.committee, module=module, organization=world.branch_a1, due_date=due)
    return Assignment.objects.get(module=module, member=world.members["member"]), quiz


def _right(attempt):
    answers = {}
    for ch in Choice.objects.filter(question_id__in=attempt.question_ids, is_correct=True):
        answers.setdefault(str(ch.question_id), []).append(ch.pk)
    return answers


def test_a_quiz_through_the_api_scores_and_audits_as_on_the_page(world, client_for, api_for):
    page_assignment, page_quiz = _quiz(world, "页面模块")
    api_assignment, api_quiz = _quiz(world, "接口模块")
    start = mark()
    page = client_for(world.member)
    url = reverse("training:item", args=[page_assignment.pk, page_quiz.pk])
    page.post(url, {"action": "start"})
    attempt = QuizAttempt.objects.get(assignment=page_assignment)
    page.post(url, {"attempt": attempt.pk, **{f"q{k}": v for k, v in _right(attempt).items()}})
    middle = mark()
    api = api_for(world.member)
    base = f"/api/v1/assignments/{api_assignment.pk}"
    started = api.post(f"{base}/items/{api_quiz.pk}/attempts/")
    assert started.status_code == 201 and started.json()["submitted_at"] is None
    attempt = QuizAttempt.objects.get(pk=started.json()["id"])
    done = api.post(f"{base}/attempts/{attempt.pk}/submit/", {"answers": _right(attempt)}, format="json")
    assert done.status_code == 200 and done.json()["passed"] and done.json()["score_percent"] == 100
    assert all(r["ok"] for r in done.json()["results"])
    assert trail(start, middle), "the page's quiz is audited"
    assert shape(trail(middle)) == shape(trail(start, middle))
    # Only the member takes their own quiz: everyone else, inside or not, finds no such assignment.
    for persona in ("secretary", "unit_admin", *OUTSIDERS):
        assert api_for(world.users[persona]).post(f"{base}/items/{api_quiz.pk}/attempts/").status_code == 404


def test_claims_are_submitted_and_reviewed_through_the_api_as_on_the_page(world, client_for, api_for):
    start = mark()
    client_for(world.member).post(
        reverse("training:claim_create"), {"title": "党校培训", "hours": "3", "year": 2026, "evidence": _pdf()}
    )
    first = HoursClaim.objects.get()
    client_for(world.secretary).post(reverse("training:claim_detail", args=[first.pk]), {"decision": "approve"})
    middle = mark()
    made = api_for(world.member).post(
        "/api/v1/study-claims/",
        {"title": "党校培训", "hours": "3", "year": 2026, "evidence": _pdf()},
        format="multipart",
    )
    assert made.status_code == 201 and made.json()["status"] == "pending"
    claim = made.json()["id"]
    # Members review nothing: their own claim is not among those they may act on.
    own = api_for(world.member).post(f"/api/v1/study-claims/{claim}/review/", {"decision": "approve"}, format="json")
    assert own.status_code == 404
    for persona in OUTSIDERS:
        refused = api_for(world.users[persona]).post(f"/api/v1/study-claims/{claim}/review/", {"decision": "approve"})
        assert refused.status_code == 404, persona
    reviewed = api_for(world.secretary).post(f"/api/v1/study-claims/{claim}/review/", {"decision": "approve"})
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "approved"
    page_trail = trail(start, middle)
    assert [e[0] for e in page_trail][-1] == "study.claim_reviewed"
    assert shape(trail(middle)) == shape(page_trail)
    assert_same_audit(
        trail(start, middle, ignore=("claim", "evidence", "original_name")),
        trail(middle, ignore=("claim", "evidence", "original_name")),
    )


@pytest.mark.parametrize("persona", ("unit_admin", "committee"))
def test_reviewers_above_the_branch_reject_with_the_pages_message(world, api_for, persona):
    claim = services.submit_claim(actor=world.member, title="培训", hours="2", year=2026, evidence=_pdf())
    client = api_for(world.users[persona])
    empty = client.post(f"/api/v1/study-claims/{claim.pk}/review/", {"decision": "reject"}, format="json")
    assert empty.status_code == 400 and empty.json() == {"note": ["请填写退回原因。"]}
    done = client.post(f"/api/v1/study-claims/{claim.pk}/review/", {"decision": "reject", "note": "证书不清晰"})
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    missing = api_for(world.member).post("/api/v1/study-claims/", {"title": "x", "hours": "1", "year": 2026})
    assert missing.status_code == 400 and "evidence" in missing.json()
