"""The supervision loop in a real browser: issue, acknowledge and report, find, rectify, recheck, close."""

import datetime

import pytest
from django.utils import timezone

from tests.supervision.reference import ensure_reference_data

pytestmark = pytest.mark.django_db(transaction=True)


def _png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def _login(browser, live_server, username):
    from tests.browser.conftest import log_in

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return log_in(page, live_server, username)


def test_the_supervision_loop_from_task_to_closed_rectification(world, browser, live_server):
    from supervision.models import Rectification, SupervisionTask

    ensure_reference_data()
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

    # The committee issues a task to the first branch.
    committee = _login(browser, live_server, "committee")
    committee.goto(f"{live_server.url}/supervision/")
    committee.get_by_test_id("new-task").click()
    committee.fill("#id_title", "“三会一课”专项督查")
    committee.select_option("#id_kind", "special")
    committee.fill("#id_deadline", deadline)
    committee.get_by_test_id(f"target-sub-{world.unit_a.pk}").locator("summary").click()  # fetched on opening
    committee.check(f"#target-{world.branch_a1.pk}")
    committee.get_by_label("inspector").check()
    committee.get_by_role("button", name="保存").click()
    assert committee.get_by_test_id("task-title").inner_text() == "“三会一课”专项督查"
    assert "已下发" in committee.content()
    task = SupervisionTask.objects.get()

    # The secretary acknowledges and reports.
    secretary = _login(browser, live_server, "secretary")
    secretary.goto(f"{live_server.url}/supervision/")
    secretary.get_by_test_id("inbox").get_by_text("“三会一课”专项督查").click()
    secretary.get_by_test_id("acknowledge").click()
    assert "已签收" in secretary.get_by_test_id("target-status").inner_text()
    secretary.fill("#content-report", "已对照要求逐项自查，形成报告。")
    secretary.fill("#evidence-report", "支委会记录第12号")
    secretary.set_input_files("#files-report", {"name": "会议记录.png", "mimeType": "image/png", "buffer": _png()})
    secretary.get_by_test_id("submit-report").click()
    assert "已报送" in secretary.get_by_test_id("stages").inner_text()
    assert "会议记录.png" in secretary.get_by_test_id("stages").inner_text()

    # The inspector accepts the report and records a finding.
    inspector = _login(browser, live_server, "inspector")
    target = task.targets.get()
    inspector.goto(f"{live_server.url}/supervision/targets/{target.pk}/")
    inspector.get_by_test_id("accept-report").click()
    inspector.get_by_test_id("new-finding").click()
    inspector.select_option("#id_category", label="组织建设")
    inspector.select_option("#id_severity", "major")
    inspector.fill("#id_description", "支部委员会会议记录不完整")
    inspector.fill("#id_measures", "补齐记录并建立会议台账")
    inspector.fill("#id_rectification_deadline", deadline)
    inspector.get_by_role("button", name="保存").click()
    assert "问题已记录" in inspector.content()
    rect = Rectification.objects.get()

    # The secretary plans; the inspector accepts the plan.
    secretary.goto(f"{live_server.url}/supervision/rectifications/{rect.pk}/")
    secretary.get_by_test_id("plan-form").locator("textarea").fill("一周内补齐全部记录")
    secretary.get_by_test_id("plan-form").locator("button").click()
    assert "方案待审核" in secretary.get_by_test_id("rect-status").inner_text()
    inspector.goto(f"{live_server.url}/supervision/rectifications/{rect.pk}/")
    inspector.get_by_test_id("accept-plan").click()
    assert "整改中" in inspector.get_by_test_id("rect-status").inner_text()

    # The secretary reports progress and submits for recheck.
    secretary.reload()
    secretary.get_by_test_id("progress-form").locator("textarea").first.fill("已补齐12次会议记录")
    secretary.get_by_test_id("progress-form").locator("button").click()
    secretary.get_by_test_id("submit-recheck").click()
    assert "待复核" in secretary.get_by_test_id("rect-status").inner_text()

    # The inspector rechecks; it closes.
    inspector.reload()
    inspector.select_option("#id_passed", "1")
    inspector.fill("#id_method", "查阅台账")
    inspector.get_by_test_id("recheck-form").locator("button").click()
    assert "已销号" in inspector.get_by_test_id("rect-status").inner_text()
    rect.refresh_from_db()
    assert rect.status == "closed"


def test_the_target_picker_says_when_a_level_cannot_be_loaded(world, browser, live_server):
    """Each unit's organisations are fetched when it is opened; a failed fetch says so instead of spinning."""
    from playwright.sync_api import expect

    ensure_reference_data()
    committee = _login(browser, live_server, "committee")
    committee.goto(f"{live_server.url}/supervision/tasks/new/")
    unit_b = committee.get_by_test_id(f"target-sub-{world.unit_b.pk}")
    unit_b.locator("summary").click()
    committee.check(f"#target-{world.branch_b1.pk}")  # fetched and tickable
    committee.route("**/supervision/tasks/new/targets/**", lambda route: route.abort())
    unit_a = committee.get_by_test_id(f"target-sub-{world.unit_a.pk}")
    unit_a.locator("summary").click()
    expect(unit_a.locator(".target-pending")).to_contain_text("未能加载下属组织")
