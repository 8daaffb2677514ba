"""The four-strong assessment end to end: self-assessment → review → calibration → the grade."""

import os

import pytest

from assessment.models import AssessmentStatus, BranchAssessment
from tests.assessment.factories import TEST_METRIC, make_system, open_cycle, registered_metric

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("ASSESSMENT_SHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def cycle(world):
    with registered_metric(TEST_METRIC, {world.branch_a1.pk: 97.0, world.branch_a2.pk: 80.0}):
        yield open_cycle(make_system(quota=100), world.unit_a)


def test_secretary_submits_admin_reviews_committee_publishes_secretary_sees_grade(
    world, cycle, login, live_server, page
):
    a = BranchAssessment.objects.get(cycle=cycle, organization=world.branch_a1)
    login("secretary")
    page.goto(f"{live_server.url}/assessment/")
    _shot(page, "home-secretary")
    page.get_by_test_id("my-assessments").get_by_role("link", name="填写自评").click()
    page.get_by_test_id("indicator-P1").locator("select").select_option("好")
    for box in page.get_by_test_id("indicator-T1").locator("input[type=checkbox]").all():
        box.check()
    page.get_by_test_id("indicator-M1").locator("input[type=number]").fill("0")
    page.get_by_test_id("indicator-R1").locator("input[type=number]").fill("3")
    assert "30" in page.get_by_test_id("indicator-R2").get_by_test_id("computed").inner_text()
    page.get_by_role("button", name="保存草稿").click()
    warnings = page.get_by_test_id("consistency-warnings").inner_text()
    assert "未提供佐证材料" in warnings
    _shot(page, "self-assessment")
    page.get_by_test_id("submit").click()  # without confirming: refused with a message
    assert page.get_by_test_id("form-error").is_visible()
    page.get_by_label("我已阅读一致性检查提示，仍然提交").check()
    page.get_by_test_id("submit").click()
    assert "已提交" in page.get_by_test_id("assessment-status").inner_text()
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED

    page.context.clear_cookies()
    login("unit_admin")
    page.goto(f"{live_server.url}/assessment/")
    page.get_by_test_id("to-review").get_by_role("link", name="考评").click()
    page.get_by_test_id("review-P1").locator("input[type=number]").fill("15")
    page.get_by_test_id("save-review").click()
    assert page.get_by_test_id("field-error").first.is_visible()  # a reason is needed for −5
    page.get_by_test_id("review-P1").locator("input[name^=reason]").fill("学习记录不完整")
    _shot(page, "review")
    page.get_by_test_id("save-review").click()
    assert page.get_by_test_id("total").inner_text() == "95.0"

    page.context.clear_cookies()
    login("committee")
    page.goto(f"{live_server.url}/assessment/cycles/{cycle.pk}/")
    page.get_by_test_id("calibrate").click()
    assert "四强" in page.get_by_test_id("grade-distribution").inner_text()
    _shot(page, "calibration")
    page.get_by_test_id("publish").click()
    assert "公示" in page.get_by_test_id("cycle-status").inner_text()

    page.context.clear_cookies()
    login("secretary")
    page.goto(f"{live_server.url}/assessment/branch/{a.pk}/")
    assert page.get_by_test_id("grade").inner_text() == "四强"
    page.wait_for_selector("[data-testid=radar] canvas")
    _shot(page, "scorecard")


def test_score_card_and_self_assessment_fit_a_phone(world, cycle, browser, live_server):
    from tests.world import PASSWORD

    a = BranchAssessment.objects.get(cycle=cycle, organization=world.branch_a1)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    for name, url in [
        ("phone-self", f"/assessment/branch/{a.pk}/self/"),
        ("phone-scorecard", f"/assessment/branch/{a.pk}/"),
    ]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        _shot(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 400, name
    context.close()
