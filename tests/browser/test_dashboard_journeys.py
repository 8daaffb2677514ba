import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from branches import audit
from branches.models import Member, MemberCategory
from branches.periods import period_containing
from tests.portal.dashboard_helpers import temporary_metric

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("DASHBOARD_SHOTS", "/tmp/shots-dashboards"))


def _seed_figures(world):
    from portal import dashboards

    people = [
        (1975, "male", "大学本科"),
        (1990, "female", "硕士研究生"),
        (1998, "female", "大学本科"),
        (1966, "male", "大专"),
    ]
    for i, (year, gender, edu) in enumerate(people * 3):
        Member.objects.create(
            organization=[world.branch_a1, world.branch_a2, world.branch_b1][i % 3],
            name=f"党员{i}",
            category=MemberCategory.FULL if i % 4 else MemberCategory.PROBATIONARY,
            gender=gender,
            education=edu,
            birth_date=datetime.date(year, 5, 1),
            join_date=datetime.date(year + 25, 7, 1),
        )
    dashboards.refresh_summaries(actor=audit.SYSTEM, history=True)


def _compliance(world):
    """A stand-in for the meetings app's metric: branch_a1 missed this month's meetings."""
    month = period_containing("month", timezone.localdate())
    values = {
        world.branch_a1.pk: 100,
        (world.branch_a1.pk, month.key): 25,
        world.branch_a2.pk: 75,
        world.unit_a.pk: 60,
        world.unit_b.pk: 95,
        world.branch_b1.pk: 95,
        world.root.pk: 80,
    }
    return temporary_metric(
        "meetings.compliance_rate",
        values,
        drill=lambda org, period: f"/orgs/{org.pk}/?missing={period.key}",
    )


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # let the charts draw
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_committee_drills_from_the_city_to_a_branchs_missing_meetings(world, login, live_server):
    with _compliance(world):
        _seed_figures(world)
        page = login("committee")
        assert "市直机关工委" in page.get_by_test_id("dashboard-title").inner_text()
        _shot(page, "committee-desktop")
        page.get_by_test_id("ranking").get_by_role("link", name="甲局机关党委").click()
        page.wait_for_load_state("networkidle")
        assert "甲局机关党委" in page.get_by_test_id("dashboard-title").inner_text()
        assert "市直机关工委" in page.get_by_test_id("breadcrumbs").inner_text()
        assert "乙局" not in page.get_by_test_id("ranking").inner_text()
        _shot(page, "unit-desktop")
        page.get_by_test_id("heat-cell-low").first.click()
        page.wait_for_load_state("networkidle")
        month = period_containing("month", timezone.localdate())
        assert page.url.endswith(f"/orgs/{world.branch_a1.pk}/?missing={month.key}")
        assert page.get_by_test_id("org-name").inner_text() == "甲局第一党支部"


def test_breadcrumb_leads_back_up_to_the_city(world, login, live_server):
    _seed_figures(world)
    page = login("committee")
    page.goto(f"{live_server.url}/dashboard/org/{world.branch_a1.pk}/")
    page.get_by_test_id("breadcrumbs").get_by_role("link", name="甲局机关党委").click()
    page.wait_for_load_state("networkidle")
    assert "甲局机关党委" in page.get_by_test_id("dashboard-title").inner_text()


def test_unit_admin_lands_on_their_unit_and_charts_draw(world, login, live_server):
    with _compliance(world):
        _seed_figures(world)
        page = login("unit_admin")
        assert "甲局机关党委" in page.get_by_test_id("dashboard-title").inner_text()
        page.locator("[data-chart='structure'] canvas").first.wait_for()
        assert page.locator("[data-chart] canvas").count() >= 3


def test_dashboards_fit_a_phone(world, browser, live_server):
    from tests.world import PASSWORD

    with _compliance(world):
        _seed_figures(world)
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "committee")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        _shot(page, "committee-phone")
        page.goto(f"{live_server.url}/dashboard/org/{world.unit_a.pk}/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        _shot(page, "unit-phone")
        page.goto(f"{live_server.url}/dashboard/todo/")
        _shot(page, "todo-phone")
        page.goto(f"{live_server.url}/dashboard/org/{world.root.pk}/annual/")
        _shot(page, "annual-phone")
        context.close()
