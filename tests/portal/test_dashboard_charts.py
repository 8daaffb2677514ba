"""The assessment and rectification charts of the dashboards: from the apps' metrics, through snapshots."""

import pytest
from django.urls import reverse
from django.utils import timezone

from branches import audit, services
from branches.models import OrganizationKind
from branches.periods import period_containing
from portal import dashboards
from portal.models import MetricSnapshot
from tests.portal.dashboard_helpers import days_ago, publish_results, rectifications

pytestmark = pytest.mark.django_db


def refresh(**kw):
    return dashboards.refresh_summaries(actor=audit.SYSTEM, **kw)


def _board(client, org, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(reverse("dashboards:org", args=[org.pk]) + (f"?{query}" if query else ""))


def test_grade_distribution_and_radar_show_the_published_results_of_the_subtree(world, client_for):
    publish_results(world)
    refresh()
    client = client_for(world.committee)
    board = _board(client, world.root).context["board"]
    assert board.grades["year"] == 2026
    assert [(g["label"], g["value"]) for g in board.grades["items"]] == [
        ("四强", 1),
        ("达标", 1),
        ("基本达标", 0),
        ("不达标", 1),
    ]
    assert [(d["label"], d["value"], d["max"]) for d in board.radar["items"]] == [
        ("政治功能强", 16.0, 20.0),
        ("支部班子强", 16.7, 20.0),
        ("党员队伍强", 17.0, 20.0),
        ("作用发挥强", 30.7, 40.0),
    ]
    unit = _board(client, world.unit_a).context["board"]
    assert [g["value"] for g in unit.grades["items"]] == [1, 0, 0, 1]
    assert [d["value"] for d in unit.radar["items"]] == [14.0, 15.0, 17.0, 32.0]


def test_chart_data_carries_the_grades_radar_and_burndown(world, client_for):
    publish_results(world)
    rectifications(world)
    refresh(history=True)
    data = client_for(world.committee).get(reverse("dashboards:charts", args=[world.root.pk])).json()
    assert [i["value"] for i in data["grades"]["items"]] == [1, 1, 0, 1]
    assert data["grades"]["year"] == 2026 and data["grades"]["unit"] == "个"
    assert [i["label"] for i in data["radar"]["items"]][0] == "政治功能强"
    assert len(data["radar"]["series"]) == 2
    burndown = data["burndown"]
    assert len(burndown["months"]) == 12
    assert burndown["months"][-1] == period_containing("month", timezone.localdate()).key
    assert burndown["open"][-1] == 1
    closed_month = period_containing("month", days_ago(70).date()).key
    assert burndown["closed"][burndown["months"].index(closed_month)] == 1
    assert burndown["on_time"][burndown["months"].index(closed_month)] == 100.0
    assert sum(burndown["closed"]) == 1


def test_unit_admin_charts_hold_only_their_subtree(world, client_for):
    publish_results(world)
    rectifications(world)
    refresh(history=True)
    mine = client_for(world.unit_admin).get(reverse("dashboards:charts", args=[world.unit_a.pk])).json()
    assert [i["value"] for i in mine["grades"]["items"]] == [1, 0, 0, 1]
    assert mine["burndown"]["open"][-1] == 1
    other = client_for(world.other_admin).get(reverse("dashboards:charts", args=[world.unit_b.pk])).json()
    assert [i["value"] for i in other["grades"]["items"]] == [0, 1, 0, 0]
    assert other["burndown"]["months"] == []  # no rectification in unit B: the empty state
    assert client_for(world.other_admin).get(reverse("dashboards:charts", args=[world.unit_a.pk])).status_code == 404


def test_burndown_table_links_each_month_to_its_list(world, client_for):
    rectifications(world)
    refresh(history=True)
    html = _board(client_for(world.committee), world.unit_a).content.decode()
    assert 'data-testid="table-burndown"' in html
    closed_month = period_containing("month", days_ago(70).date())
    assert f"/supervision/rectifications/?org={world.unit_a.pk}&amp;closed={closed_month.key}" in html
    last_month = period_containing("month", timezone.localdate()).previous()
    assert f"status=open&amp;on={last_month.end.isoformat()}" in html


def test_charts_without_data_say_so(world, client_for):
    refresh()
    html = _board(client_for(world.committee), world.root).content.decode()
    for chart in ("chart-grades", "chart-radar", "chart-burndown"):
        assert f'data-testid="{chart}"' in html
    assert html.count('data-testid="chart-empty"') == 3
    assert 'data-chart="grades"' not in html and 'data-chart="burndown"' not in html
    data = client_for(world.committee).get(reverse("dashboards:charts", args=[world.root.pk])).json()
    assert data["grades"]["items"] == [] and data["radar"]["items"] == [] and data["burndown"]["months"] == []


def test_charts_have_titles_units_and_table_views(world, client_for):
    publish_results(world)
    rectifications(world)
    refresh(history=True)
    html = _board(client_for(world.committee), world.root).content.decode()
    assert "2026年度考评等次分布（个）" in html
    assert "各维度平均得分（2026年度考评，分）" in html
    assert "整改事项按月情况：未销号、已销号（个）与按期销号率（%）" in html
    for table in ("table-grades", "table-radar", "table-burndown"):
        assert f'data-testid="{table}"' in html
    assert 'data-chart="grades"' in html and 'data-chart="radar"' in html and 'data-chart="burndown"' in html


def test_result_metrics_are_kept_for_years_only_and_stay_out_of_the_headline(world, client_for):
    publish_results(world)
    refresh(history=True)
    keys = set(
        MetricSnapshot.objects.filter(metric="assessment.grade.1", organization=world.root).values_list(
            "period_key", flat=True
        )
    )
    year = timezone.localdate().year
    assert keys == {str(year - 1), str(year)}
    board = _board(client_for(world.committee), world.root).context["board"]
    names = {f.name for f in board.headline}
    assert "supervision.closed_rectifications" in names
    assert not any(n.startswith(("assessment.grade", "assessment.dimension", "assessment.results")) for n in names)
    assert not any(m.name.startswith("assessment.grade") for m in board.ranking_columns)


def test_the_charts_cost_the_same_queries_with_more_branches_and_records(
    world, client_for, django_assert_max_num_queries, settings
):
    settings.DASHBOARD_PAGE_CACHE_SECONDS = 0  # measure the page as it is computed
    publish_results(world)
    rectifications(world)
    refresh(history=True)
    client = client_for(world.committee)
    page = reverse("dashboards:org", args=[world.root.pk])
    charts = reverse("dashboards:charts", args=[world.root.pk])
    client.get(page)  # warm the session
    with django_assert_max_num_queries(50) as small_page:
        client.get(page)
    with django_assert_max_num_queries(50) as small_charts:
        client.get(charts)
    for i in range(6):
        unit = services.create_organization(
            actor=audit.SYSTEM, name=f"新单位{i}", kind=OrganizationKind.PARTY_COMMITTEE, parent=world.root
        )
        services.create_organization(actor=audit.SYSTEM, name=f"新支部{i}", kind=OrganizationKind.BRANCH, parent=unit)
    publish_results(world, year=2025)  # another published cycle: more assessments and results
    rectifications(world)
    refresh(history=True)
    with django_assert_max_num_queries(len(small_page.captured_queries)):
        client.get(page)
    with django_assert_max_num_queries(len(small_charts.captured_queries)):
        client.get(charts)


def test_the_permission_walk_covers_the_dashboard_and_its_chart_data():
    from tests.test_permission_walk import scoped_routes

    routes = {route for route, _pattern, _cls in scoped_routes()}
    assert {"dashboard/org/<int:pk>/", "dashboard/org/<int:pk>/charts.json"} <= routes


def test_the_excel_export_holds_the_new_charts_tables(world, client_for):
    import io

    from openpyxl import load_workbook

    publish_results(world)
    rectifications(world)
    refresh(history=True)
    response = client_for(world.committee).get(reverse("dashboards:export", args=[world.root.pk]))
    book = load_workbook(io.BytesIO(response.content))
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    assert sheets["等次分布"][1:] == [("四强", 1), ("达标", 1), ("基本达标", 0), ("不达标", 1)]
    assert sheets["各维度平均得分"][1] == ("政治功能强", 16.0, 20.0)
    burndown = sheets["整改事项按月情况"]
    assert len(burndown) == 13 and burndown[-1][1] == 1


def test_the_annual_summary_prints_the_results_and_the_rectifications_by_month(world, client_for):
    publish_results(world)
    rectifications(world)
    refresh(history=True)
    year = timezone.localdate().year
    html = client_for(world.committee).get(reverse("dashboards:annual", args=[world.root.pk]) + f"?year={year}")
    html = html.content.decode()
    assert 'data-testid="annual-assessment"' in html and "政治功能强" in html
    assert 'data-testid="annual-burndown"' in html and f"{year}年1月" in html
