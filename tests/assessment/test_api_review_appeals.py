"""The unit's review, sending back, appeals and their decisions through the API: the pages' services, scope
(404 outside) and audit records."""

import pytest
from django.utils import translation

from assessment import services
from assessment.models import Appeal, AssessmentStatus, BranchAssessment, IndicatorResult
from tests.assessment.factories import (
    FULL_INPUT,
    TEST_METRIC,
    advance_to,
    inputs_by_code,
    make_system,
    open_live_cycle,
    registered_metric,
)
from tests.parity import OUTSIDERS, assert_same_audit, mark, trail

pytestmark = pytest.mark.django_db


def _zh(message):
    with translation.override("zh-hans"):
        return str(translation.gettext(message))


@pytest.fixture
def cycle(world):
    values = {world.branch_a1.pk: 97.0, world.branch_a2.pk: 97.0}
    with registered_metric(TEST_METRIC, values):
        yield open_live_cycle(make_system(quota=100), world.root)


def _submitted(world, cycle):
    a = BranchAssessment.objects.get(cycle=cycle, organization=world.branch_a1)
    services.save_self_assessment(actor=world.secretary, assessment=a, entries=inputs_by_code(a, FULL_INPUT))
    return services.submit_self_assessment(actor=world.secretary, assessment=a, confirm=True)


def _scores(a):
    return [{"result": r.pk, "score": str(r.self_score or 0)} for r in a.results.select_related("indicator")]


def _result(a, code):
    return IndicatorResult.objects.get(assessment=a, indicator__code=code)  # fresh: the cycle has moved on


def _published(world, cycle):
    a = _submitted(world, cycle)
    advance_to(cycle, "calibration")
    services.start_calibration(actor=world.committee, cycle=cycle)
    services.publish_results(actor=world.committee, cycle=cycle)
    return a


def _after(entries):
    """Action, object, actor, organisation and the state after: what a second review of the same scores repeats."""
    return [(action, kind, actor, org, after) for action, kind, actor, org, _before, after in entries]


def test_the_review_and_sending_back_through_the_api_audit_as_the_page(world, cycle, client_for, api_for):
    a = _submitted(world, cycle)
    advance_to(cycle, "review")
    start = mark()
    page_form = {f"score-{e['result']}": e["score"] for e in _scores(a)}
    assert client_for(world.unit_admin).post(f"/assessment/branch/{a.pk}/review/", page_form).status_code == 302
    middle = mark()
    done = api_for(world.unit_admin).post(
        f"/api/v1/branch-assessments/{a.pk}/review/", {"scores": _scores(a)}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == AssessmentStatus.REVIEWED
    assert done.json()["review_total"] == "100.0" and len(done.json()["results"]) == a.results.count()
    page_trail = trail(start, middle)
    assert [e[0] for e in page_trail] == ["assessment.reviewed"]
    assert _after(trail(middle)) == _after(page_trail)
    # Sending back: the page, the secretary submits again, the API; the two records are the same.
    start = mark()
    client_for(world.unit_admin).post(
        f"/assessment/branch/{a.pk}/review/", {"action": "send_back", "return_reason": "请补充证明材料"}
    )
    middle = mark()
    services.submit_self_assessment(actor=world.secretary, assessment=a, confirm=True)
    resubmitted = mark()
    back = api_for(world.unit_admin).post(
        f"/api/v1/branch-assessments/{a.pk}/send-back/", {"reason": "请补充证明材料"}, format="json"
    )
    assert back.status_code == 200 and back.json()["status"] == AssessmentStatus.RETURNED
    assert [e[0] for e in trail(start, middle)] == ["assessment.sent_back"]
    # The page sent back a reviewed assessment, the API a resubmitted one: the state after is the same.
    assert _after(trail(resubmitted)) == _after(trail(start, middle))


def test_a_review_missing_a_score_or_a_reason_is_refused_with_the_pages_words(world, cycle, api_for):
    a = _submitted(world, cycle)
    advance_to(cycle, "review")
    scores = _scores(a)
    p1 = _result(a, "P1")
    missing = [s for s in scores if s["result"] != p1.pk]
    since = mark()
    client = api_for(world.unit_admin)
    url = f"/api/v1/branch-assessments/{a.pk}/review/"
    refused = client.post(url, {"scores": missing}, format="json")
    assert refused.status_code == 400 and refused.json() == {f"r{p1.pk}": [_zh("Enter a score.")]}
    far = [{**s, "score": "10"} if s["result"] == p1.pk else s for s in scores]
    why = client.post(url, {"scores": far}, format="json").json()
    assert list(why) == [f"r{p1.pk}"] and "理由" in why[f"r{p1.pk}"][0]
    empty = client.post(f"/api/v1/branch-assessments/{a.pk}/send-back/", {}, format="json")
    assert empty.status_code == 400 and empty.json() == {"detail": [_zh("Say what the branch should change.")]}
    assert trail(since) == []
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED


@pytest.mark.parametrize("persona", (*OUTSIDERS, "secretary", "member"))
def test_only_reviewers_above_the_branch_review_it(world, cycle, api_for, persona):
    a = _submitted(world, cycle)
    advance_to(cycle, "review")
    since = mark()
    client = api_for(world.users[persona])
    base = f"/api/v1/branch-assessments/{a.pk}"
    assert client.post(f"{base}/review/", {"scores": _scores(a)}, format="json").status_code == 404
    assert client.post(f"{base}/send-back/", {"reason": "x"}, format="json").status_code == 404
    assert trail(since) == []


def test_the_committee_above_the_unit_reviews_too(world, cycle, api_for):
    a = _submitted(world, cycle)
    advance_to(cycle, "review")
    done = api_for(world.committee).post(
        f"/api/v1/branch-assessments/{a.pk}/review/", {"scores": _scores(a)}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == AssessmentStatus.REVIEWED


def test_appeals_and_their_decisions_through_the_api_audit_as_the_page(world, cycle, client_for, api_for):
    a = _published(world, cycle)
    p1, t1 = _result(a, "P1"), _result(a, "T1")
    start = mark()
    client_for(world.secretary).post(f"/assessment/results/{p1.pk}/appeal/", {"reason": "材料齐全"})
    page_appeal = Appeal.objects.get(result=p1)
    client_for(world.committee).post(
        f"/assessment/cycles/{cycle.pk}/appeal/", {"appeal": page_appeal.pk, "accept": "0", "decision": "维持原评分"}
    )
    middle = mark()
    filed = api_for(world.secretary).post(
        f"/api/v1/branch-assessments/{a.pk}/appeals/", {"result": t1.pk, "reason": "材料齐全"}, format="json"
    )
    assert filed.status_code == 201 and filed.json()["status"] == "pending"
    again = api_for(world.secretary).post(
        f"/api/v1/branch-assessments/{a.pk}/appeals/", {"result": t1.pk, "reason": "再次申诉"}, format="json"
    )
    assert again.status_code == 400 and "已有" in again.json()["detail"][0]
    decided = api_for(world.committee).post(
        f"/api/v1/assessment-cycles/{cycle.pk}/appeals/{filed.json()['id']}/decide/",
        {"accept": False, "decision": "维持原评分"},
        format="json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "rejected"
    page_trail = trail(start, middle, ignore=("result",))
    assert [e[0] for e in page_trail] == ["assessment.appeal_filed", "assessment.appeal_decided"]
    assert_same_audit(page_trail, trail(middle, ignore=("result",)))


def test_an_accepted_appeal_needs_a_score_in_range(world, cycle, api_for):
    a = _published(world, cycle)
    p1 = _result(a, "P1")
    appeal = services.file_appeal(actor=world.secretary, result=p1, reason="材料齐全")
    url = f"/api/v1/assessment-cycles/{cycle.pk}/appeals/{appeal.pk}/decide/"
    client = api_for(world.committee)
    since = mark()
    assert client.post(url, {"accept": True, "decision": "改判"}, format="json").json() == {
        "detail": [_zh("Enter the corrected score.")]
    }
    assert client.post(url, {"accept": True, "new_score": "9"}, format="json").json() == {
        "detail": [_zh("Record the decision and its reason.")]
    }
    assert client.post(url, {"accept": True, "decision": "改判", "new_score": "99"}, format="json").status_code == 400
    assert trail(since) == []
    done = client.post(url, {"accept": True, "decision": "改判", "new_score": "9"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    p1.refresh_from_db()
    assert p1.final_score == 9


@pytest.mark.parametrize("persona", (*OUTSIDERS, "unit_admin", "member"))
def test_only_the_branch_appeals_and_only_the_calibrating_committee_decides(world, cycle, api_for, persona):
    a = _published(world, cycle)
    p1 = _result(a, "P1")
    appeal = services.file_appeal(actor=world.secretary, result=p1, reason="材料齐全")
    since = mark()
    client = api_for(world.users[persona])
    filed = client.post(
        f"/api/v1/branch-assessments/{a.pk}/appeals/", {"result": _result(a, "T1").pk, "reason": "x"}, format="json"
    )
    assert filed.status_code == 404
    decided = client.post(
        f"/api/v1/assessment-cycles/{cycle.pk}/appeals/{appeal.pk}/decide/", {"decision": "x"}, format="json"
    )
    assert decided.status_code == 404
    assert trail(since) == []


def test_an_appeal_outside_the_period_is_refused_with_the_pages_message(world, cycle, api_for):
    a = _submitted(world, cycle)
    response = api_for(world.secretary).post(
        f"/api/v1/branch-assessments/{a.pk}/appeals/", {"result": _result(a, "P1").pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 400 and "公示" in response.json()["detail"][0]
    other = BranchAssessment.objects.get(cycle=cycle, organization=world.branch_a2)
    foreign = api_for(world.secretary).post(
        f"/api/v1/branch-assessments/{a.pk}/appeals/", {"result": _result(other, "P1").pk, "reason": "x"}, format="json"
    )
    assert foreign.status_code == 404
