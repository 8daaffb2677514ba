"""The self-assessment through the API: the page's services, scope and audit."""

import pytest

from assessment.models import AssessmentStatus, BranchAssessment
from tests.assessment.factories import TEST_METRIC, make_system, open_live_cycle, registered_metric
from tests.parity import OUTSIDERS, mark, trail

pytestmark = pytest.mark.django_db

ANSWERS = {
    "P1": {"level": "好"},
    "T1": {"checked": ["0", "1", "2", "3", "4"]},
    "M1": {"count": "0"},
    "R1": {"count": "3"},
}


@pytest.fixture
def cycle(world):
    values = {world.branch_a1.pk: 97.0, world.branch_a2.pk: 80.0}
    with registered_metric(TEST_METRIC, values):
        yield open_live_cycle(make_system(quota=100), world.root)


def _a(cycle, org):
    return BranchAssessment.objects.get(cycle=cycle, organization=org)


def _page_form(a):
    data = {}
    for r in a.results.select_related("indicator"):
        for key, value in ANSWERS.get(r.indicator.code, {}).items():
            data[f"input-{r.pk}-{key}"] = value
        data[f"note-{r.pk}"] = "说明"
    return data


def _entries(a):
    return [
        {"result": r.pk, "input": ANSWERS[r.indicator.code], "note": "说明"}
        for r in a.results.select_related("indicator")
        if r.indicator.code in ANSWERS
    ]


def test_the_self_assessment_through_the_api_saves_submits_and_audits_as_the_page(world, cycle, client_for, api_for):
    page_a, api_a = _a(cycle, world.branch_a1), _a(cycle, world.branch_a2)
    start = mark()
    client_for(world.secretary).post(
        f"/assessment/branch/{page_a.pk}/self/", {**_page_form(page_a), "action": "submit", "confirm": "1"}
    )
    middle = mark()
    url = f"/api/v1/branch-assessments/{api_a.pk}/self-assessment/"
    client = api_for(world.outsider)  # the secretary of the sibling branch: inside for their own branch
    saved = client.post(url, {"entries": _entries(api_a)}, format="json")
    assert saved.status_code == 200 and saved.json()["status"] == AssessmentStatus.DRAFT
    done = client.post(url, {"entries": _entries(api_a), "submit": True, "confirm": True}, format="json")
    assert done.status_code == 200 and done.json()["status"] == AssessmentStatus.SUBMITTED
    # The same answers score the same; the computed indicator reads each branch's own figure (97 and 80).
    assert _a(cycle, world.branch_a1).self_total == 100 and _a(cycle, world.branch_a2).self_total is not None
    page_trail = trail(start, middle)
    assert [e[0] for e in page_trail][-1].startswith("assessment.")
    api_trail = trail(middle)
    # The snapshots are keyed by each branch's own result ids: the actions and objects are compared.
    assert [e[:2] for e in api_trail[-len(page_trail) :]] == [e[:2] for e in page_trail]
    assert [e[2:4] for e in api_trail] == [(world.outsider.pk, world.branch_a2.pk)] * len(api_trail)


def test_a_wrong_answer_is_refused_with_the_pages_message_and_nothing_is_saved(world, cycle, api_for):
    a = _a(cycle, world.branch_a1)
    entries = _entries(a)
    bad = next(e for e in entries if "count" in e["input"] and e["input"]["count"] == "0")
    bad["input"] = {"count": "三次"}
    since = mark()
    response = api_for(world.secretary).post(
        f"/api/v1/branch-assessments/{a.pk}/self-assessment/", {"entries": entries}, format="json"
    )
    assert response.status_code == 400 and f"r{bad['result']}" in response.json()
    assert trail(since) == [] and _a(cycle, world.branch_a1).status == AssessmentStatus.DRAFT


@pytest.mark.parametrize("persona", (*OUTSIDERS, "member", "unit_admin"))
def test_only_the_branch_itself_writes_its_self_assessment(world, cycle, api_for, persona):
    a = _a(cycle, world.branch_a1)
    since = mark()
    response = api_for(world.users[persona]).post(
        f"/api/v1/branch-assessments/{a.pk}/self-assessment/", {"entries": _entries(a)}, format="json"
    )
    assert response.status_code == 404
    assert trail(since) == []
