"""The four-strong assessment end to end: self-assessment → review → calibration → the grade,
the committee editing a draft's indicators, and meeting records picked as evidence."""

import datetime
import os

import pytest
from playwright.sync_api import expect

from assessment.models import AssessmentStatus, BranchAssessment, Evidence, Indicator
from tests.assessment.factories import TEST_METRIC, make_system, open_live_cycle, registered_metric
from tests.meetings.factories import add_members, held_meeting

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("ASSESSMENT_SHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def cycle(world):
    # Windows run from today: the secretary is in the self-assessment window whatever the date.
    with registered_metric(TEST_METRIC, {world.branch_a1.pk: 97.0, world.branch_a2.pk: 80.0}):
        yield open_live_cycle(make_system(quota=100), world.unit_a)


@pytest.fixture
def meetings(world):
    add_members(world.branch_a1, 3)
    d = datetime.date
    return [
        held_meeting(world.branch_a1, "committee", d(2026, 3, 5), title="三月支委会"),
        held_meeting(world.branch_a1, "theme_day", d(2026, 4, 20), title="四月主题党日"),
        held_meeting(world.branch_a1, "committee", d(2026, 5, 7), title="五月支委会"),
    ]


def _close_window(page):
    """The committee closes the open window early (the button asks for confirmation)."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("close-window").click()
    page.wait_for_load_state("networkidle")


def test_secretary_submits_admin_reviews_committee_publishes_secretary_sees_grade(
    world, cycle, meetings, login, live_server, page
):
    a = BranchAssessment.objects.get(cycle=cycle, organization=world.branch_a1)
    login("secretary")
    page.goto(f"{live_server.url}/assessment/")
    _shot(page, "home-secretary")
    page.get_by_test_id("my-assessments").get_by_role("link", name="填写自评").click()
    assert "自评" in page.get_by_test_id("current-window").inner_text()

    # Evidence from the branch's meeting records: filter by kind, tick two, link them.
    page.get_by_test_id("pick-meetings-M1").click()
    page.wait_for_load_state("networkidle")
    picker = page.get_by_test_id("meeting-picker")
    picker.locator("select[name=kind]").select_option("committee")
    expect(picker.get_by_role("row", name="四月主题党日")).to_be_hidden()  # filtered in place, no reload
    picker.get_by_label("三月支委会").check()
    picker.get_by_label("五月支委会").check()
    _shot(page, "meeting-picker")
    page.get_by_test_id("link-meetings").click()
    evidence = page.get_by_test_id("evidence-M1").inner_text()
    assert "三月支委会" in evidence and "五月支委会" in evidence and "四月主题党日" not in evidence
    assert Evidence.objects.filter(result__assessment=a, meeting__isnull=False).count() == 2

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

    # The committee closes the self-assessment early: every branch of the journey has submitted.
    page.context.clear_cookies()
    login("committee")
    page.goto(f"{live_server.url}/assessment/cycles/{cycle.pk}/")
    assert page.get_by_test_id("calibration-hint").is_visible()
    _close_window(page)
    assert "考评" in page.get_by_test_id("current-window").inner_text()

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
    _close_window(page)  # review done: calibration opens
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


def test_score_card_and_self_assessment_fit_a_phone(world, cycle, meetings, browser, live_server):
    from tests.world import PASSWORD

    a = BranchAssessment.objects.get(cycle=cycle, organization=world.branch_a1)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    result = a.results.order_by("pk").first()
    for name, url in [
        ("phone-self", f"/assessment/branch/{a.pk}/self/"),
        ("phone-scorecard", f"/assessment/branch/{a.pk}/"),
        ("phone-picker", f"/assessment/branch/{a.pk}/meetings/{result.pk}/"),
    ]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        _shot(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 400, name
    context.close()


def test_committee_edits_a_scale_indicators_levels_in_the_form(world, login, live_server, page):
    with registered_metric(TEST_METRIC, {}):
        system = make_system(publish=False)
    p1 = Indicator.objects.get(dimension__system=system, code="P1")
    login("committee")
    page.goto(f"{live_server.url}/assessment/systems/{system.pk}/")
    page.get_by_test_id("indicator-P1").get_by_role("link", name="编辑").click()
    page.wait_for_load_state("networkidle")
    form = page.get_by_test_id("indicator-form")
    expect(form.get_by_test_id("section-scale")).to_be_visible()
    expect(form.get_by_test_id("section-computed")).to_be_hidden()  # only the chosen method shows
    rows = form.get_by_test_id("rows-levels")
    rows.locator("input[name='levels-1-points']").fill("25")  # more than the max of 20
    form.get_by_test_id("save-indicator").click()
    page.wait_for_load_state("networkidle")
    assert "超过了满分" in page.get_by_test_id("indicator-form").inner_text()
    rows = page.get_by_test_id("rows-levels")
    rows.locator("input[name='levels-1-points']").fill("14")
    rows.locator("tbody tr").nth(2).get_by_role("button", name="删除此行").click()  # drop 一般
    rows.get_by_role("button", name="添加档次").click()
    new_row = rows.locator("tbody tr:visible").last
    new_row.locator("input[name$='-name']").fill("差")
    new_row.locator("input[name$='-points']").fill("0")
    _shot(page, "indicator-editor")
    page.get_by_test_id("save-indicator").click()
    assert page.get_by_test_id("params-P1").inner_text().strip() == "好 20 / 较好 14 / 差 0"
    p1.refresh_from_db()
    assert p1.config == {
        "levels": [{"name": "好", "points": 20}, {"name": "较好", "points": 14}, {"name": "差", "points": 0}]
    }
