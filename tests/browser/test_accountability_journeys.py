"""述职评议 and 模范机关创建 in a real browser: a report with the portal's figures, three raters on phones,
closing and publishing with two problems to rectification; a unit applies, is named, and loses the title to a
red card."""

import datetime

import pytest
from django.utils import timezone

from tests.supervision.reference import ensure_reference_data

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def _login(browser, live_server, username, viewport=None):
    from tests.browser.conftest import log_in

    context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return log_in(page, live_server, username)


def test_report_rate_on_phones_close_publish_and_send_problems(world, browser, live_server):
    from supervision.accountability import services
    from supervision.accountability.models import Rating, Reporter
    from supervision.models import Rectification
    from tests.world import make_user

    ensure_reference_data()
    today = timezone.localdate()
    raters = [make_user(f"rater{i}", full_name=f"代表{i}") for i in (1, 2, 3)]
    rnd = services.open_round(
        actor=world.committee,
        title="年度书记抓基层党建述职评议",
        year=today.year,
        organization=world.root,
        report_deadline=today + datetime.timedelta(days=5),
        rating_starts=today,
        rating_ends=today + datetime.timedelta(days=5),
        raters=raters,
    )
    reporter = rnd.reporters.get(organization=world.unit_a)

    # The unit's secretary opens the report: the portal's figures are filled in; files the report.
    unit = _login(browser, live_server, "unit_admin")
    unit.goto(f"{live_server.url}/accountability/")
    unit.get_by_test_id("my-reports").get_by_text("年度书记抓基层党建述职评议").click()
    assert unit.locator('[data-metric="meetings.compliance_rate"]').count() == 1
    assert "三会一课" in unit.get_by_test_id("figures").inner_text()
    unit.fill("#id_report", "一年来，我认真履行第一责任人职责……")
    unit.get_by_role("button", name="提交述职报告").click()
    assert "述职报告已提交" in unit.content()
    reporter.refresh_from_db()
    assert reporter.filed_at and set(reporter.report_figures) >= {"meetings.compliance_rate"}

    # Three raters rate on phones, one tap per item.
    for user, grade in zip(raters, ["好", "好", "较好"], strict=True):
        phone = _login(browser, live_server, user.username, viewport=PHONE)
        phone.goto(f"{live_server.url}/accountability/")
        phone.get_by_test_id("my-seats").locator("a").first.click()
        phone.get_by_test_id(f"rate-{world.unit_a.pk}").click()
        for label in phone.locator("[data-testid=rating-form] label.btn").all():
            if label.inner_text().strip() == grade:
                label.click()
        phone.get_by_test_id("submit-rating").click()
        assert "您的测评已提交" in phone.content()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.context.close()
    assert Rating.objects.filter(reporter=reporter).count() == 3

    # The committee sees counts only, closes, publishes and sends two problems to rectification.
    committee = _login(browser, live_server, "committee")
    committee.goto(f"{live_server.url}/accountability/{rnd.pk}/")
    assert "3 / 3" in committee.get_by_test_id("reporters").inner_text()  # the reporter's ratings, on its row
    committee.on("dialog", lambda d: d.accept())
    committee.get_by_test_id("close-round").click()
    assert "已结束" in committee.get_by_test_id("round-status").inner_text()
    committee.get_by_test_id("publish-round").click()
    assert "已公布" in committee.get_by_test_id("round-status").inner_text()
    assert "甲局机关党委" in committee.get_by_test_id("ranking").inner_text()
    committee.goto(f"{live_server.url}/accountability/reporters/{reporter.pk}/")
    deadline = (today + datetime.timedelta(days=30)).isoformat()
    for text in ("第一议题学习后研究落实不够具体", "支部标准化建设推进不平衡"):
        committee.fill("#id_description", text)
        committee.fill("#id_deadline", deadline)
        committee.get_by_test_id("problem-form").get_by_role("button").click()
        assert "问题已交办整改" in committee.content()
    assert Rectification.objects.filter(owner_org=world.unit_a).count() == 2
    assert Reporter.objects.get(pk=reporter.pk).rank == 1

    # The secretary sees the published grade.
    unit.goto(f"{live_server.url}/accountability/reporters/{reporter.pk}/")
    assert unit.get_by_test_id("result").is_visible()


def _png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def test_unit_applies_files_progress_is_named_and_a_red_card_revokes_the_title(world, browser, live_server):
    from supervision import services as supervision_services
    from supervision.campaigns import services
    from supervision.campaigns.models import CampaignEntry
    from supervision.models import EscalationRule
    from tests.supervision.helpers import finding_for

    ensure_reference_data()
    today = timezone.localdate()
    services.create_campaign(
        actor=world.committee,
        title="模范机关创建",
        year=today.year,
        apply_deadline=today + datetime.timedelta(days=10),
        organization=world.root,
    )

    unit = _login(browser, live_server, "unit_admin")
    unit.goto(f"{live_server.url}/campaigns/")
    unit.get_by_test_id("calls").get_by_text("模范机关创建").click()
    unit.select_option("#id_organization", str(world.unit_a.pk))
    unit.fill("#id_plan", "创建方案：目标、措施、进度")
    unit.get_by_role("button", name="提交申报").click()
    assert "已申报" in unit.get_by_test_id("entry-status").inner_text()
    entry = CampaignEntry.objects.get()

    committee = _login(browser, live_server, "committee")
    committee.goto(f"{live_server.url}/campaigns/entries/{entry.pk}/")
    committee.get_by_test_id("accept").click()
    assert "创建中" in committee.get_by_test_id("entry-status").inner_text()

    unit.reload()
    unit.fill("#progress-content", "上半年完成支部标准化建设")
    unit.set_input_files("#progress-files", {"name": "佐证.png", "mimeType": "image/png", "buffer": _png()})
    unit.get_by_role("button", name="报送进展").click()
    assert "佐证.png" in unit.get_by_test_id("progress").inner_text()

    committee.reload()
    for field in committee.locator("[data-testid=evaluate-form] input[type=number]").all():
        field.fill(field.get_attribute("max"))
    committee.get_by_test_id("evaluate-form").get_by_role("button").click()
    committee.get_by_test_id("name-entry").click()
    assert "模范机关创建示范单位" in committee.get_by_test_id("entry-title").inner_text()

    # Later a red card lands in the unit: the title goes, the history stays.
    rect = finding_for(world).rectifications.get()
    rule = EscalationRule.objects.filter(colour="red").first()
    supervision_services._issue(rule, world.branch_a1.pk, rectification=rect, reason="整改逾期", now=timezone.now())
    committee.reload()
    assert "已撤销称号" in committee.get_by_test_id("entry-status").inner_text()
    assert "红牌" in committee.get_by_test_id("history").inner_text()
