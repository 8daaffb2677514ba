import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from branches import audit
from branches.meetings import compliance
from branches.models import Member, MemberCategory
from branches.periods import period_containing
from tests.browser.conftest import log_in
from tests.portal.dashboard_helpers import held_months, publish_results, rectifications

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("DASHBOARD_SHOTS", "/tmp/shots-dashboards"))
CHARTS = ("grades", "radar", "burndown")


def _members(world):
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


def _missed_month():
    """Last month, if it belongs to this year (the heatmap shows this year's months)."""
    last = period_containing("month", timezone.localdate()).previous()
    if last.start.year != timezone.localdate().year:
        pytest.skip("in January the heatmap has no past month of this year yet")
    return last


def _seed(world, *, missed=None):
    """Real records behind every figure: meetings (branch A1 missed ``missed``), published assessment
    results, two rectifications of branch A1, members; then the summaries with history."""
    from portal import dashboards

    _members(world)
    held_months(world, missing_in=missed)
    publish_results(world)
    rectifications(world)
    dashboards.refresh_summaries(actor=audit.SYSTEM, history=True)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(500)  # let the charts finish their animation
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _charts_drawn(page, *, empty=()):
    """Each new chart draws a canvas, or (for those in ``empty``) shows its empty state."""
    for chart in CHARTS:
        section = page.get_by_test_id(f"chart-{chart}")
        if chart in empty:
            assert "暂无数据" in section.get_by_test_id("chart-empty").inner_text()
        else:
            section.locator(f"[data-chart='{chart}'] canvas").first.wait_for()
            assert section.get_by_role("heading").inner_text()
            assert section.locator("details summary").inner_text() == "表格视图"


def test_committee_drills_from_the_city_to_a_branchs_missing_meetings(world, login, live_server):
    missed = _missed_month()
    _seed(world, missed=missed)
    page = login("committee")
    assert "市直机关工委" in page.get_by_test_id("dashboard-title").inner_text()
    _charts_drawn(page)
    page.get_by_test_id("ranking").get_by_role("link", name="甲局机关党委").click()
    page.wait_for_load_state("networkidle")
    assert "甲局机关党委" in page.get_by_test_id("dashboard-title").inner_text()
    assert "市直机关工委" in page.get_by_test_id("breadcrumbs").inner_text()
    assert "乙局" not in page.get_by_test_id("ranking").inner_text()
    _charts_drawn(page)
    red = page.get_by_test_id("heat-cell-low")
    assert red.count() == 1  # branch A1's missed month, nothing else
    red.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/meetings/missing/?org={world.branch_a1.pk}&period={missed.key}")
    rows = page.get_by_test_id("missing-list").locator("tbody tr")
    # The month's theme day and group meeting, and the committee meeting where the branch has a committee: a
    # transactional test that runs after a flush reseeds the meeting rules from their first migration, which
    # owed it without one (held_months), while a freshly migrated database owes it only with one.
    owed = compliance.for_org(world.branch_a1, missed).missing
    assert owed in (2, 3) and rows.count() == owed
    kinds = {rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())}
    assert {"主题党日", "党小组会"} <= kinds, kinds
    assert all("甲局第一党支部" in rows.nth(i).inner_text() for i in range(rows.count()))


def test_breadcrumb_leads_back_up_to_the_city(world, login, live_server):
    _seed(world)
    page = login("committee")
    page.goto(f"{live_server.url}/dashboard/org/{world.branch_a1.pk}/")
    page.get_by_test_id("breadcrumbs").get_by_role("link", name="甲局机关党委").click()
    page.wait_for_load_state("networkidle")
    assert "甲局机关党委" in page.get_by_test_id("dashboard-title").inner_text()


def test_unit_admin_lands_on_their_unit_and_charts_draw(world, login, live_server):
    _seed(world)
    page = login("unit_admin")
    assert "甲局机关党委" in page.get_by_test_id("dashboard-title").inner_text()
    page.locator("[data-chart='structure'] canvas").first.wait_for()
    _charts_drawn(page)
    assert page.locator("[data-chart] canvas").count() >= 6
    # The table view of the grade chart holds the unit's branches only: one top grade, one failing.
    page.get_by_test_id("chart-grades").locator("summary").click()
    grades = page.get_by_test_id("table-grades").inner_text()
    assert "四强\t1" in grades and "不达标\t1" in grades and "达标\t0" in grades


def test_a_unit_without_rectifications_shows_the_empty_burndown(world, login, live_server):
    _seed(world)
    page = login("other_admin")
    assert "乙局机关党委" in page.get_by_test_id("dashboard-title").inner_text()
    _charts_drawn(page, empty=("burndown",))


@pytest.mark.parametrize("width", [1366, 390])
def test_dashboards_fit_the_screen(world, browser, live_server, width):
    missed = _missed_month()
    _seed(world, missed=missed)
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 1000 else 844}, is_mobile=width < 1000, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "committee")
    assert "/dashboard/org/" in page.url  # past the second factor, on the dashboard itself
    _charts_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 10
    label = "phone" if width < 1000 else "desktop"
    _shot(page, f"committee-{label}")
    page.goto(f"{live_server.url}/dashboard/org/{world.unit_a.pk}/")
    page.wait_for_load_state("networkidle")
    _charts_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 10
    _shot(page, f"unit-{label}")
    if width < 1000:
        page.goto(f"{live_server.url}/dashboard/todo/")
        _shot(page, "todo-phone")
        page.goto(f"{live_server.url}/dashboard/org/{world.root.pk}/annual/")
        _shot(page, "annual-phone")
    context.close()
