from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.models import Notification
from portal.notifications.engine import run_sweep
from tests.portal.notify_helpers import at, due, provider

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots-reminders")


def seed_inbox(world):
    items = [
        due(world.secretary, object_id=world.branch_a1.pk, kind="meetings.not_held", step="T-7",
            title="本季度支部党员大会尚未召开，请于季度末前组织召开", org=world.branch_a1),
        due(world.secretary, object_id=world.branch_a1.pk, kind="terms.expiring", step="1m",
            title="支部委员会任期将于 1 个月后届满，请做好换届准备", org=world.branch_a1),
        due(world.secretary, object_id=world.branch_a1.pk, kind="supervision.yellow_card", step="on_issue",
            title="督查整改事项被亮黄牌，请尽快完成整改", urgent=True, org=world.branch_a1),
        due(world.member, object_id=7, kind="study.assignment_due", step="overdue",
            title="学习任务《党章》专题学习已逾期", org=world.branch_a1),
    ]  # fmt: skip
    with provider(items):
        run_sweep(at(2026, 3, 2, 9, 0), run_inline=True)


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_secretary_reads_the_digest_and_marks_a_notice_read(world, login, live_server):
    seed_inbox(world)
    page = login("secretary")
    assert page.get_by_test_id("unread-count").inner_text() == "2"
    page.get_by_test_id("notification-bell").click()
    page.wait_for_load_state("networkidle")
    rows = page.get_by_test_id("notification-row")
    assert rows.count() == 2
    assert "督查整改事项被亮黄牌" in page.get_by_test_id("notification-list").inner_text()
    assert "本支部：1 人有 1 项待办事项" in page.get_by_test_id("notification-list").inner_text()
    shoot(page, "inbox-desktop")
    rows.first.get_by_role("button").click()
    expect(page.get_by_test_id("unread-count")).to_have_text("1")  # no eval: CSP stays strict
    assert Notification.objects.filter(recipient=world.secretary, read_at__isnull=True).count() == 1
    page.get_by_text("每日提醒").click()
    page.wait_for_load_state("networkidle")
    assert "支部委员会任期将于 1 个月后届满" in page.get_by_test_id("digest-items").inner_text()
    shoot(page, "digest-desktop")


def test_member_changes_the_digest_hour(world, login, live_server):
    page = login("member")
    page.goto(f"{live_server.url}/notifications/preferences/")
    page.select_option("#id_digest_hour", "18")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert "通知设置已保存" in page.content()
    assert world.member.notification_preference.digest_hour == 18
    shoot(page, "preferences-desktop")


def test_the_inbox_fits_a_phone(world, browser, live_server):
    from tests.world import PASSWORD

    seed_inbox(world)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/notifications/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.get_by_test_id("notification-bell").is_visible()
    shoot(page, "inbox-phone")
    page.goto(f"{live_server.url}/notifications/preferences/")
    shoot(page, "preferences-phone")
    context.close()
