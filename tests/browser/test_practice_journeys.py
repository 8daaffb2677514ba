"""Journeys of party building in practice in a real browser: a secretary logs a joint activity with photos on
a phone; a member registers a community and logs hours, the secretary confirms; a unit admin completes a
办实事 item; the committee sees each on the dashboard and opens the lists."""

import datetime

import pytest

from branches import audit, periods
from practice.deeds import services as deeds
from practice.pairing import services as pairing
from practice.pairing.models import JointActivity
from practice.service.models import ServiceStatus, VolunteerService
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _as(browser, live_server, username, *, phone=False):
    size = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
    context = browser.new_context(viewport=size, is_mobile=phone, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, username)
    return context, page


def _photo(tmp_path, name):
    from PIL import Image

    path = tmp_path / name
    Image.new("RGB", (640, 480), (30, 120, 200)).save(path, format="JPEG")
    return path


def _dashboard_opens(browser, live_server, world, figure, expect_text):
    from portal import dashboards

    dashboards.refresh_summaries(actor=audit.SYSTEM)
    context, page = _as(browser, live_server, "committee")
    page.goto(f"{live_server.url}/dashboard/org/{world.root.pk}/")
    card = page.get_by_test_id(f"figure-{figure}")
    value = card.get_attribute("data-value")
    card.click()
    page.wait_for_load_state("networkidle")
    assert expect_text in page.content()
    context.close()
    return value


def test_secretary_logs_a_joint_activity_with_photos_on_a_phone_and_the_committee_sees_it(
    world, browser, live_server, tmp_path
):
    p = pairing.create_pairing(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        partner_name="幸福社区党委",
        partner_kind="community",
        start_date=datetime.date(2025, 1, 1),
    )
    context, page = _as(browser, live_server, "secretary", phone=True)
    page.goto(f"{live_server.url}/practice/pairings/")
    page.get_by_text("幸福社区党委").first.click()
    page.get_by_test_id("log-activity").click()
    page.fill("#id_title", "联学党的创新理论")
    page.fill("#id_place", "社区党群服务中心")
    page.get_by_label("member-党员").check()
    page.fill("#id_outside_count", "15")
    page.fill("#id_results", "形成共建清单三项")
    page.locator("#id_photos").set_input_files([_photo(tmp_path, "一.jpg"), _photo(tmp_path, "二.jpg")])
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.get_by_test_id("activity-form").locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("photos").locator("img").count() == 2
    assert "member-党员" in page.get_by_test_id("participants").inner_text()
    context.close()
    activity = JointActivity.objects.get()
    assert activity.pairing_id == p.pk and activity.outside_count == 15
    value = _dashboard_opens(browser, live_server, world, "practice.pairing_activities", "联学党的创新理论")
    assert float(value) == 1


def test_member_registers_and_logs_hours_and_the_secretary_confirms(world, browser, live_server):
    today = periods.today().isoformat()
    context, page = _as(browser, live_server, "member", phone=True)
    page.goto(f"{live_server.url}/practice/service/mine/")
    form = page.get_by_test_id("residence-form")
    form.locator("#id_community").fill("和平社区")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "和平社区" in page.get_by_test_id("residence").inner_text()
    form = page.get_by_test_id("service-form")
    form.locator("#id_date").fill(today)
    form.locator("#id_activity").fill("助老送餐")
    form.locator("#id_hours").fill("3")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "助老送餐" in page.get_by_test_id("my-records").inner_text()
    context.close()

    context, page = _as(browser, live_server, "secretary", phone=True)
    page.goto(f"{live_server.url}/practice/service/?status=pending")
    confirm = page.get_by_test_id("confirm-form").first
    confirm.locator("input[name=confirmer]").fill("和平社区书记")
    confirm.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    context.close()
    assert VolunteerService.objects.get().status == ServiceStatus.CONFIRMED
    value = _dashboard_opens(browser, live_server, world, "practice.volunteer_hours", "助老送餐")
    assert float(value) == 3


def test_unit_admin_completes_a_practical_item_and_the_committee_sees_it(world, browser, live_server):
    d = deeds.create_deed(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        title="背街小巷路灯修缮",
        deadline=periods.today() + datetime.timedelta(days=20),
    )
    context, page = _as(browser, live_server, "unit_admin")
    page.goto(f"{live_server.url}/practice/deeds/")
    page.get_by_text("背街小巷路灯修缮").click()
    form = page.get_by_test_id("progress-form")
    form.locator("#id_status").select_option("done")
    form.locator("#id_result").fill("新装路灯20盏，居民夜间出行更安全")
    form.locator("#id_satisfaction").fill("97")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "新装路灯20盏" in page.get_by_test_id("deed-result").inner_text()
    page.get_by_test_id("publish").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/practice/deeds/showcase/")
    assert "背街小巷路灯修缮" in page.get_by_test_id("showcase").inner_text()
    context.close()
    d.refresh_from_db()
    assert d.status == "done" and d.published_at
    value = _dashboard_opens(browser, live_server, world, "practice.deeds_completion", "背街小巷路灯修缮")
    assert float(value) == 100
