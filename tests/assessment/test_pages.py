import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import services
from assessment.models import AssessmentStatus, BranchAssessment, Evidence, IndicatorResult
from branches import audit
from branches.models import OrganizationKind
from branches.services import create_organization
from tests.assessment.factories import (
    FULL_INPUT,
    TEST_METRIC,
    advance_to,
    inputs_by_code,
    make_system,
    open_cycle,
    open_live_cycle,
    registered_metric,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(world):
    values = {world.branch_a1.pk: 97.0, world.branch_a2.pk: 80.0}
    with registered_metric(TEST_METRIC, values):
        yield open_live_cycle(make_system(quota=100), world.root)


def _a(cycle, org):
    return BranchAssessment.objects.get(cycle=cycle, organization=org)


def _form_for(a, level="好"):
    data = {}
    for r in a.results.select_related("indicator"):
        code, p = r.indicator.code, f"input-{r.pk}-"
        if code == "P1":
            data[p + "level"] = level
        elif code == "T1":
            data[p + "checked"] = ["0", "1", "2", "3", "4"]
        elif code in ("M1", "R1"):
            data[p + "count"] = "0" if code == "M1" else "3"
        data[f"note-{r.pk}"] = "说明"
    return data


def _submit(world, cycle):
    a = _a(cycle, world.branch_a1)
    services.save_self_assessment(actor=world.secretary, assessment=a, entries=inputs_by_code(a, FULL_INPUT))
    return services.submit_self_assessment(actor=world.secretary, assessment=a, confirm=True)


def test_secretary_saves_and_submits_the_self_assessment_through_the_page(world, cycle, client_for):
    a = _a(cycle, world.branch_a1)
    c = client_for(world.secretary)
    assert c.get(f"/assessment/branch/{a.pk}/self/").status_code == 200
    response = c.post(f"/assessment/branch/{a.pk}/self/", {**_form_for(a), "action": "submit", "confirm": "1"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED and a.self_total == 100


def test_a_bad_answer_on_the_self_assessment_page_says_what_is_wrong_and_saves_nothing(world, cycle, client_for):
    a = _a(cycle, world.branch_a1)
    data = _form_for(a)
    bad = next(r for r in a.results.all() if r.indicator.code == "M1")
    data[f"input-{bad.pk}-count"] = "三次"
    response = client_for(world.secretary).post(f"/assessment/branch/{a.pk}/self/", {**data, "action": "save"})
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert (
        not IndicatorResult.objects.filter(assessment=a, self_score__isnull=False)
        .exclude(indicator__code="R2")
        .exists()
    )


def test_submitting_without_confirming_the_warnings_is_refused_on_the_page(world, cycle, client_for):
    a = _a(cycle, world.branch_a1)
    response = client_for(world.secretary).post(
        f"/assessment/branch/{a.pk}/self/", {**_form_for(a), "action": "submit"}
    )
    assert response.status_code == 400
    assert "consistency-warnings" in response.content.decode()
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT


def test_a_secretary_cannot_open_another_branchs_assessment_or_evidence(world, cycle, client_for):
    other = _a(cycle, world.branch_a2)
    result = other.results.first()
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    e = services.add_evidence(actor=world.outsider, result=result, file=pdf, title="他支部材料")
    c = client_for(world.secretary)
    for url in [
        f"/assessment/branch/{other.pk}/",
        f"/assessment/branch/{other.pk}/self/",
        f"/assessment/branch/{other.pk}/export.xlsx",
        f"/assessment/branch/{other.pk}/print/",
        f"/assessment/evidence/{e.pk}/",
        f"/api/v1/branch-assessments/{other.pk}/",
    ]:
        assert c.get(url).status_code == 404, url
    assert client_for(world.outsider).get(f"/assessment/evidence/{e.pk}/").status_code == 200


def test_a_secretary_posting_to_another_branchs_self_assessment_gets_404(world, cycle, client_for):
    other = _a(cycle, world.branch_a2)
    response = client_for(world.secretary).post(f"/assessment/branch/{other.pk}/self/", {"action": "save"})
    assert response.status_code == 404


def test_reviewer_must_give_a_reason_for_a_large_difference_on_the_page(world, cycle, client_for):
    a = _submit(world, cycle)
    advance_to(cycle, "review")
    data = {}
    for r in a.results.select_related("indicator"):
        data[f"score-{r.pk}"] = "10" if r.indicator.code == "P1" else str(r.self_score or 0)
    c = client_for(world.unit_admin)
    response = c.post(f"/assessment/branch/{a.pk}/review/", data)
    assert response.status_code == 400 and "field-error" in response.content.decode()
    p1 = next(r for r in a.results.all() if r.indicator.code == "P1")
    data[f"reason-{p1.pk}"] = "记录不全"
    assert c.post(f"/assessment/branch/{a.pk}/review/", data).status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.REVIEWED and a.review_total == 90


def test_committee_calibrates_and_publishes_and_the_secretary_sees_the_grade(world, cycle, client_for):
    a = _submit(world, cycle)
    advance_to(cycle, "calibration")
    c = client_for(world.committee)
    assert c.post(f"/assessment/cycles/{cycle.pk}/calibrate/").status_code == 302
    assert c.post(f"/assessment/cycles/{cycle.pk}/publish/").status_code == 302
    page = client_for(world.secretary).get(f"/assessment/branch/{a.pk}/").content.decode()
    assert 'data-testid="grade">四强' in page


def test_a_secretary_cannot_calibrate(world, cycle, client_for):
    _submit(world, cycle)
    advance_to(cycle, "calibration")
    client_for(world.secretary).post(f"/assessment/cycles/{cycle.pk}/calibrate/")
    cycle.refresh_from_db()
    assert cycle.status == "open"


def test_score_card_and_cycle_results_export_to_excel(world, cycle, client_for):
    import io

    from openpyxl import load_workbook

    a = _submit(world, cycle)
    c = client_for(world.committee)
    book = load_workbook(io.BytesIO(c.get(f"/assessment/branch/{a.pk}/export.xlsx").content))
    assert book.active["A1"].value == "甲局第一党支部"
    book = load_workbook(io.BytesIO(c.get(f"/assessment/cycles/{cycle.pk}/export.xlsx").content))
    names = [row[1] for row in book.active.iter_rows(min_row=3, values_only=True)]
    assert set(names) == {"甲局第一党支部", "甲局第二党支部", "乙局第一党支部"}


def test_the_printable_report_has_print_css(world, cycle, client_for):
    a = _a(cycle, world.branch_a1)
    body = client_for(world.secretary).get(f"/assessment/branch/{a.pk}/print/").content.decode()
    assert "assessment/print" in body and "甲局第一党支部" in body


def test_the_score_card_passes_radar_data_without_inline_script(world, cycle, client_for):
    a = _a(cycle, world.branch_a1)
    body = client_for(world.secretary).get(f"/assessment/branch/{a.pk}/").content.decode()
    assert "data-radar=" in body and "政治功能强" in body
    assert "<script>" not in body


def test_api_secretary_sees_only_their_branch_and_reviewer_their_subtree(world, cycle, api_for):
    names = {
        r["organization_name"] for r in api_for(world.secretary).get("/api/v1/branch-assessments/").json()["results"]
    }
    assert names == {"甲局第一党支部"}
    names = {
        r["organization_name"] for r in api_for(world.unit_admin).get("/api/v1/branch-assessments/").json()["results"]
    }
    assert names == {"甲局第一党支部", "甲局第二党支部"}
    cycles = api_for(world.secretary).get("/api/v1/assessment-cycles/").json()["results"]
    assert [c["id"] for c in cycles] == [cycle.pk]
    assert api_for(world.nobody).get("/api/v1/assessment-cycles/").json()["results"] == []


def test_api_branch_assessment_detail_lists_indicator_results(world, cycle, api_for):
    a = _a(cycle, world.branch_a1)
    data = api_for(world.secretary).get(f"/api/v1/branch-assessments/{a.pk}/").json()
    assert len(data["results"]) == 6 and {r["code"] for r in data["results"]} >= {"P1", "R2"}


def _add_branches(world, n):
    for i in range(n):
        create_organization(actor=audit.SYSTEM, name=f"新支部{i}", kind=OrganizationKind.BRANCH, parent=world.unit_a)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/assessment/", "/assessment/cycles/{cycle}/", "/api/v1/branch-assessments/", "/api/v1/assessment-cycles/"],
)
def test_list_query_counts_do_not_grow_with_rows(world, client_for, django_assert_max_num_queries, url):
    with registered_metric(TEST_METRIC, {}):
        system = make_system(quota=30)
        first = open_cycle(system, world.root, name="第一轮")
        client = client_for(world.committee)
        before = _count(client, url.format(cycle=first.pk))
        _add_branches(world, 6)
        second = open_cycle(system, world.root, name="第二轮")
        services.start_calibration(
            actor=world.committee, cycle=second, now=datetime.datetime(2026, 12, 22, tzinfo=datetime.UTC)
        )
        with django_assert_max_num_queries(before):
            client.get(url.format(cycle=second.pk))


def test_evidence_upload_through_the_page_is_checked_by_content(world, cycle, client_for):
    a = _a(cycle, world.branch_a1)
    r = a.results.first()
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    c = client_for(world.secretary)
    response = c.post(f"/assessment/branch/{a.pk}/self/", {"action": "evidence", "result": r.pk, "file": fake})
    assert response.status_code == 400
    assert not Evidence.objects.filter(result=r).exists()


def test_indicator_system_pages_are_for_assessment_readers_only(world, cycle, client_for):
    system = cycle.system
    assert client_for(world.committee).get(f"/assessment/systems/{system.pk}/").status_code == 200
    assert client_for(world.secretary).get("/assessment/systems/").status_code == 200
    assert client_for(world.nobody).get("/assessment/systems/").status_code == 404


def _cycle_form(system, root, **over):
    data = {
        "system": system.pk,
        "root": root.pk,
        "name": "2026年度甲局考评",
        "self_due": "2026-12-10",
        "review_due": "2026-12-20",
        "cutoff": "2026-12-20",
        "calibration_due": "2026-12-25",
        "notice_until": "2026-12-31",
        "appeal_until": "2026-12-31",
    }
    data.update(over)
    return data


def test_committee_opens_a_cycle_for_a_subtree_through_the_page(world, client_for):
    system = make_system()
    response = client_for(world.committee).post("/assessment/cycles/new/", _cycle_form(system, world.unit_a))
    assert response.status_code == 302
    assert set(BranchAssessment.objects.values_list("organization__name", flat=True)) == {
        "甲局第一党支部",
        "甲局第二党支部",
    }


def test_windows_out_of_order_are_refused_with_a_message_and_nothing_is_created(world, client_for):
    system = make_system()
    data = _cycle_form(system, world.unit_a, review_due="2026-12-01")
    response = client_for(world.committee).post("/assessment/cycles/new/", data)
    assert response.status_code == 400 and "依次排列" in response.content.decode()
    assert not BranchAssessment.objects.exists()


def test_only_committee_staff_open_cycles(world, client_for):
    system = make_system()
    assert client_for(world.unit_admin).get("/assessment/cycles/new/").status_code == 404
    assert (
        client_for(world.unit_admin).post("/assessment/cycles/new/", _cycle_form(system, world.unit_a)).status_code
        == 404
    )
    assert not BranchAssessment.objects.exists()


def test_a_published_system_offers_no_indicator_form(world, client_for):
    system = make_system()
    body = client_for(world.committee).get(f"/assessment/systems/{system.pk}/").content.decode()
    assert "indicator-form" not in body and 'data-testid="add-indicator"' not in body
    assert f"/assessment/indicators/{system.dimensions.first().indicators.first().pk}/" not in body


def test_secretary_appeals_an_indicator_and_the_committee_records_its_decision(world, cycle, client_for):
    from assessment.models import Appeal

    a = _submit(world, cycle)
    advance_to(cycle, "calibration")
    services.start_calibration(actor=world.committee, cycle=cycle)
    services.publish_results(actor=world.committee, cycle=cycle)
    p1 = next(r for r in a.results.all() if r.indicator.code == "P1")
    assert (
        client_for(world.secretary).post(f"/assessment/results/{p1.pk}/appeal/", {"reason": "材料齐全"}).status_code
        == 302
    )
    appeal = Appeal.objects.get(result=p1)
    c = client_for(world.committee)
    c.post(f"/assessment/cycles/{cycle.pk}/appeal/", {"appeal": appeal.pk, "accept": "0", "decision": "维持原评分"})
    appeal.refresh_from_db()
    assert appeal.status == "rejected" and appeal.decision == "维持原评分"


def test_another_branchs_secretary_cannot_appeal_its_result(world, cycle, client_for):
    a = _submit(world, cycle)
    advance_to(cycle, "calibration")
    services.start_calibration(actor=world.committee, cycle=cycle)
    services.publish_results(actor=world.committee, cycle=cycle)
    p1 = next(r for r in a.results.all() if r.indicator.code == "P1")
    assert client_for(world.outsider).post(f"/assessment/results/{p1.pk}/appeal/", {"reason": "x"}).status_code == 404


def test_cycle_page_counts_submissions_and_shows_the_notice_number_state(world, cycle, client_for):
    """The progress comes from the rows the distribution reads; the 文号 state from the cycle already loaded."""
    from branches.documents.services import number_state

    total = BranchAssessment.objects.filter(cycle=cycle).count()
    page = client_for(world.committee).get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert total == 3 and f": 0/{total}" in page
    _submit(world, cycle)
    page = client_for(world.committee).get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert f": 1/{total}" in page
    state = number_state(world.committee, "assessment_result", cycle.pk)
    assert state == number_state(world.committee, "assessment_result", cycle.pk, record=cycle)
    assert state["numbered"] and state["may_number"] and state["issued"] is None


def test_the_quota_check_lists_the_parents_over_it_and_every_parent_on_request(world, cycle, client_for):
    """A province's cycle has 400 parent organisations: the card says how many are over the quota and lists
    those; ``?quota=all`` lists them all (issue 22)."""
    import re

    system = cycle.system
    system.top_quota_percent = 50
    system.save()
    top = max(system.grades.all(), key=lambda g: g.min_score)
    BranchAssessment.objects.filter(cycle=cycle, organization__in=[world.branch_a1, world.branch_a2]).update(grade=top)
    assert BranchAssessment.objects.filter(cycle=cycle, organization=world.branch_b1).exists()
    c = client_for(world.committee)
    url = f"/assessment/cycles/{cycle.pk}/"
    page = c.get(url).content.decode()
    assert re.search(r'data-testid="quota-summary" data-over="1" data-total="2"', page)
    table = page.split('data-testid="quota-check"')[1].split("</table>")[0]
    assert world.unit_a.name in table and world.unit_b.name not in table  # unit A: 2 top grades, 1 allowed
    # The rows are grouped in PostgreSQL: unit A's two branches come back as one row that says two.
    assert '<td class="text-end">2/2</td><td class="text-end">1</td>' in table
    everything = c.get(url + "?quota=all").content.decode().split('data-testid="quota-check"')[1].split("</table>")[0]
    assert world.unit_a.name in everything and world.unit_b.name in everything
    BranchAssessment.objects.filter(cycle=cycle, organization=world.branch_a2).update(grade=None)
    page = c.get(url).content.decode()
    assert 'data-over="0" data-total="2"' in page and 'data-testid="quota-check"' not in page
