import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from branches import audit, events, services
from branches.models import AuditEntry, Member, MemberCategory, OrganizationKind
from branches.periods import period_containing
from portal import dashboards, todo
from portal.models import MetricSnapshot
from tests.portal.dashboard_helpers import temporary_metric

pytestmark = pytest.mark.django_db


def refresh(**kw):
    return dashboards.refresh_summaries(actor=audit.SYSTEM, **kw)


def this(kind):
    return period_containing(kind, timezone.localdate())


def test_refresh_writes_one_snapshot_per_metric_org_and_period(world):
    refresh()
    month = this("month").key
    snap = MetricSnapshot.objects.get(metric="members.count", organization=world.unit_a, period_key=month)
    assert snap.value == 3
    assert MetricSnapshot.objects.filter(metric="members.count", organization=world.root).count() == 1


def test_rerunning_the_refresh_updates_rows_instead_of_adding(world):
    refresh()
    count = MetricSnapshot.objects.count()
    Member.objects.create(organization=world.branch_b1, name="新党员", category=MemberCategory.FULL)
    refresh()
    assert MetricSnapshot.objects.count() == count
    assert (
        MetricSnapshot.objects.get(metric="members.count", organization=world.root, period_key=this("month").key).value
        == 4
    )


def test_refresh_is_audited_as_the_system_with_before_and_after(world):
    refresh()
    refresh()
    entry = AuditEntry.objects.filter(action="dashboards.refresh").first()
    assert entry.actor is None and entry.after["organizations"] == 6
    assert entry.before["rows"] == entry.after["rows"]


def test_history_refresh_covers_last_years_months(world):
    with temporary_metric("test.rate", {world.root.pk: 50}):
        refresh(history=True, now=timezone.make_aware(datetime.datetime(2026, 3, 15, 9)))
    keys = set(
        MetricSnapshot.objects.filter(metric="test.rate", organization=world.root).values_list("period_key", flat=True)
    )
    assert {"2025-01", "2025-12", "2025-Q4", "2025", "2026-03", "2026-Q1", "2026"} <= keys
    assert "2026-04" not in keys


def test_groups_get_no_figures(world):
    refresh()
    assert not MetricSnapshot.objects.filter(organization=world.group_a1).exists()


def test_committee_home_is_the_dashboard_of_the_root(world, client_for):
    response = client_for(world.committee).get(reverse("dashboards:home"))
    assert response["Location"] == reverse("dashboards:org", args=[world.root.pk])


def test_unit_admin_home_is_their_units_dashboard(world, client_for):
    response = client_for(world.unit_admin).get(reverse("dashboards:home"))
    assert response["Location"] == reverse("dashboards:org", args=[world.unit_a.pk])


def test_a_member_without_dashboard_rights_gets_404(world, client_for):
    assert client_for(world.member).get(reverse("dashboards:home")).status_code == 404
    assert client_for(world.member).get(reverse("dashboards:org", args=[world.branch_a1.pk])).status_code == 404


def test_dashboard_shows_headline_figures_from_snapshots(world, client_for):
    refresh()
    response = client_for(world.committee).get(reverse("dashboards:org", args=[world.root.pk]))
    assert response.status_code == 200
    figures = {f.name: f.value for f in response.context["board"].headline}
    assert figures["members.count"] == 3 and figures["org.branches"] == 3


def test_dashboard_figures_do_not_change_until_the_refresh(world, client_for):
    refresh()
    Member.objects.create(organization=world.branch_b1, name="新党员", category=MemberCategory.FULL)
    url = reverse("dashboards:org", args=[world.root.pk])
    board = client_for(world.committee).get(url).context["board"]
    assert {f.name: f.value for f in board.headline}["members.count"] == 3
    refresh()
    board = client_for(world.committee).get(url).context["board"]
    assert {f.name: f.value for f in board.headline}["members.count"] == 4


def test_unit_admin_cannot_open_the_root_or_another_units_dashboard(world, client_for):
    client = client_for(world.unit_admin)
    for org in (world.root, world.unit_b, world.branch_b1):
        assert client.get(reverse("dashboards:org", args=[org.pk])).status_code == 404
        assert client.get(reverse("dashboards:charts", args=[org.pk])).status_code == 404
        assert client.get(reverse("dashboards:export", args=[org.pk])).status_code == 404
        assert client.get(reverse("dashboards:annual", args=[org.pk])).status_code == 404


def test_unit_admin_chart_data_names_only_their_subtree(world, client_for):
    with temporary_metric("meetings.compliance_rate", {world.branch_a1.pk: 40, world.branch_b1.pk: 10}):
        refresh()
        data = client_for(world.unit_admin).get(reverse("dashboards:charts", args=[world.unit_a.pk])).json()
    body = str(data)
    assert "甲局第一党支部" in body
    assert "乙局" not in body


def test_drill_down_re_scopes_and_breadcrumb_leads_back_up(world, client_for):
    refresh()
    response = client_for(world.committee).get(reverse("dashboards:org", args=[world.unit_a.pk]))
    html = response.content.decode()
    assert [c.pk for c in response.context["breadcrumbs"]] == [world.root.pk]
    assert reverse("dashboards:org", args=[world.root.pk]) in html
    assert reverse("dashboards:org", args=[world.branch_a1.pk]) in html
    assert reverse("dashboards:org", args=[world.unit_b.pk]) not in html


def test_every_figure_links_to_the_metric_drill_url(world, client_for):
    with temporary_metric("study.completion_rate", {world.unit_a.pk: 75}) as metric:
        refresh()
        response = client_for(world.committee).get(
            reverse("dashboards:org", args=[world.unit_a.pk]) + f"?period={this('quarter').key}"
        )
    assert metric.drill_url(world.unit_a, this("quarter")) in response.content.decode()


def test_ranking_lists_the_worst_unit_first(world, client_for):
    with temporary_metric("meetings.compliance_rate", {world.unit_a.pk: 95, world.unit_b.pk: 40}):
        refresh()
        board = client_for(world.committee).get(reverse("dashboards:org", args=[world.root.pk])).context["board"]
    assert [r["org"].pk for r in board.ranking] == [world.unit_b.pk, world.unit_a.pk]


def test_ranking_puts_high_counts_first_when_lower_is_better(world, client_for):
    values = {world.unit_a.pk: 7, world.unit_b.pk: 1}
    with temporary_metric("supervision.overdue_rectifications", values, unit="项", higher_is_better=False):
        refresh()
        url = reverse("dashboards:org", args=[world.root.pk]) + "?rank=supervision.overdue_rectifications"
        board = client_for(world.committee).get(url).context["board"]
    assert [r["org"].pk for r in board.ranking] == [world.unit_a.pk, world.unit_b.pk]


def test_heatmap_marks_low_months_red_and_links_to_the_list(world, client_for):
    month = this("month")
    with temporary_metric("meetings.compliance_rate", {(world.branch_a1.pk, month.key): 25, world.branch_a2.pk: 100}):
        refresh()
        html = client_for(world.committee).get(reverse("dashboards:org", args=[world.unit_a.pk])).content.decode()
    assert (
        f'href="/drill/meetings.compliance_rate/{world.branch_a1.pk}/{month.key}/" data-testid="heat-cell-low"' in html
    )


def test_dashboard_without_figures_says_what_to_do(world, client_for):
    html = client_for(world.committee).get(reverse("dashboards:org", args=[world.root.pk])).content.decode()
    assert "refresh_summaries" in html


def test_a_malformed_period_falls_back_to_the_current_quarter(world, client_for):
    response = client_for(world.committee).get(reverse("dashboards:org", args=[world.root.pk]) + "?period=20x6-Q9")
    assert response.status_code == 200
    assert response.context["board"].period == this("quarter")


def test_the_dashboard_query_count_does_not_grow_with_organisations_or_history(
    world, client_for, django_assert_max_num_queries, settings
):
    settings.DASHBOARD_PAGE_CACHE_SECONDS = 0  # measure the page as it is computed
    client = client_for(world.committee)
    url = reverse("dashboards:org", args=[world.root.pk])
    with temporary_metric("meetings.compliance_rate", {world.unit_a.pk: 50}):
        refresh(history=True)
        client.get(url)  # warm the session
        # 16: the page's own queries plus the menu's two for Django permissions (the admin entries, issue 23).
        with django_assert_max_num_queries(16) as small:
            client.get(url)
        for i in range(15):
            unit = services.create_organization(
                actor=audit.SYSTEM, name=f"新单位{i}", kind=OrganizationKind.PARTY_COMMITTEE, parent=world.root
            )
            services.create_organization(
                actor=audit.SYSTEM, name=f"新支部{i}", kind=OrganizationKind.BRANCH, parent=unit
            )
        refresh(history=True)
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(url)
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(reverse("dashboards:charts", args=[world.root.pk]))


def test_excel_export_holds_the_headline_and_ranking(world, client_for):
    with temporary_metric("meetings.compliance_rate", {world.unit_a.pk: 80, world.unit_b.pk: 60}):
        refresh()
        response = client_for(world.committee).get(reverse("dashboards:export", args=[world.root.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    headline = list(book.worksheets[0].iter_rows(values_only=True))
    assert any(row[3] == 3 for row in headline[1:])
    ranking = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert ranking[1:] == ["乙局机关党委", "甲局机关党委"]


def test_annual_summary_is_a_print_page_for_the_year(world, client_for):
    refresh(history=True)
    response = client_for(world.committee).get(reverse("dashboards:annual", args=[world.root.pk]) + "?year=2025")
    assert response.status_code == 200
    assert response.context["board"].period.key == "2025"
    assert "data-print" in response.content.decode()


def test_annual_summary_ignores_a_bad_year(world, client_for):
    response = client_for(world.committee).get(reverse("dashboards:annual", args=[world.root.pk]) + "?year=abc")
    assert response.status_code == 200


def _due(user, title, **kw):
    return events.Due(
        kind=kw.pop("kind", "test.due"),
        object_type="branches.organization",
        object_id=kw.pop("object_id", 1),
        step="T-1",
        recipient_id=user.pk,
        due_at=kw.pop("due_at", datetime.date(2026, 1, 10)),
        title=title,
        url=kw.pop("url", "/act/"),
        **kw,
    )


def test_todo_lists_only_the_callers_due_items_from_the_reminder_providers(world, client_for, monkeypatch):
    def provider(now):
        yield _due(world.secretary, "召开本月主题党日")
        yield _due(world.outsider, "别人的待办")

    monkeypatch.setattr(todo, "reminder_providers", lambda: [provider])

    monkeypatch.setattr(todo, "todo_modules", lambda: [])
    html = client_for(world.secretary).get(reverse("dashboards:todo")).content.decode()
    assert "召开本月主题党日" in html and 'href="/act/"' in html
    assert "别人的待办" not in html


def test_todo_puts_urgent_and_earliest_items_first(world, monkeypatch):
    def provider(now):
        # Three records (one to-do entry per record and kind).
        yield _due(world.secretary, "later", due_at=datetime.date(2026, 2, 1), object_id=1)
        yield _due(world.secretary, "sooner", due_at=datetime.date(2026, 1, 1), object_id=2)
        yield _due(world.secretary, "urgent", due_at=datetime.date(2026, 3, 1), urgent=True, object_id=3)

    monkeypatch.setattr(todo, "reminder_providers", lambda: [provider])

    monkeypatch.setattr(todo, "todo_modules", lambda: [])
    titles = [i.title for i in todo.todo_for(world.secretary, timezone.now())]
    assert titles == ["urgent", "sooner", "later"]


def test_an_empty_todo_says_what_will_appear(world, client_for, monkeypatch):
    monkeypatch.setattr(todo, "reminder_providers", lambda: [])
    monkeypatch.setattr(todo, "todo_modules", lambda: [])
    response = client_for(world.member).get(reverse("dashboards:todo"))
    assert response.status_code == 200 and 'data-testid="empty-state"' in response.content.decode()


def test_refresh_command_reports_what_it_computed(world):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("refresh_summaries", "--at", "2026-03-01T08:00:00", stdout=out)
    assert "organisations" in out.getvalue()
    assert MetricSnapshot.objects.filter(period_key="2026-03").exists()


def test_refresh_command_rejects_a_bad_time(world):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("refresh_summaries", "--at", "yesterday")


def test_refresh_task_runs_the_service(world):
    from portal.tasks import refresh_summaries

    refresh_summaries()
    assert MetricSnapshot.objects.filter(metric="members.count", organization=world.root).exists()


def test_ranking_shows_the_twenty_worst_and_all_on_request(world, client_for):
    units = [
        services.create_organization(
            actor=audit.SYSTEM, name=f"单位{i:02d}", kind=OrganizationKind.PARTY_COMMITTEE, parent=world.root
        )
        for i in range(25)
    ]
    values = {u.pk: 50 + i for i, u in enumerate(units)}
    with temporary_metric("meetings.compliance_rate", values):
        refresh()
        client = client_for(world.committee)
        url = reverse("dashboards:org", args=[world.root.pk])
        board = client.get(url).context["board"]
        everything = client.get(url + "?all=1").context["board"]
    assert [r["org"].pk for r in board.ranking] == [u.pk for u in units[:20]]
    assert board.ranking_total == 27 and len(board.heatmap) == 20
    assert len(everything.ranking) == 27


def test_bench_floor_is_not_served_outside_debug_or_bench(world, client_for):
    assert client_for(world.committee).get("/bench/floor").status_code == 404


def test_secretary_opens_their_branch_dashboard_with_a_way_to_the_todo_list(world, client_for):
    refresh()
    client = client_for(world.secretary)
    assert client.get(reverse("dashboards:home"))["Location"] == reverse("dashboards:org", args=[world.branch_a1.pk])
    html = client.get(reverse("dashboards:org", args=[world.branch_a1.pk])).content.decode()
    assert reverse("dashboards:todo") in html


CSRF = r'[A-Za-z0-9]{64}(?=["\'])'


def test_the_page_is_cached_until_the_figures_or_the_tree_change(world, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.committee)
    url = reverse("dashboards:org", args=[world.root.pk])
    with temporary_metric("meetings.compliance_rate", {world.unit_a.pk: 50, world.root.pk: 70}):
        refresh()
        with CaptureQueriesContext(connection) as computed:
            first = client.get(url).content.decode()
        with CaptureQueriesContext(connection) as cached:
            second = client.get(url).content.decode()
        # The same page; only the per-request CSRF masks differ (they are never inside the cached part).
        assert re.sub(CSRF, "", second) == re.sub(CSRF, "", first)
        assert len(cached) < len(computed) - 5  # the snapshots were not read again
        assert "甲局机关党委" in first and 'data-value="70.0"' in first
    # New figures: the next refresh starts a new page.
    with temporary_metric("meetings.compliance_rate", {world.unit_a.pk: 50, world.root.pk: 85}):
        refresh()
        assert 'data-value="85.0"' in client.get(url).content.decode()
    # A renamed organisation shows at once, without waiting for a refresh.
    services.update_organization(actor=audit.SYSTEM, organization=world.unit_a, name="甲局机关党委（新）")
    assert "甲局机关党委（新）" in client.get(url).content.decode()
    # Personal parts are never cached: another committee member sees their own name in the menu.
    from portal.models import User

    other = User.objects.create_user("committee2", password="x", full_name="第二位工作人员")
    services.grant_role(actor=audit.SYSTEM, user=other, organization=world.root, role="committee_staff")
    page = client_for(other).get(url).content.decode()
    assert "第二位工作人员" in page and "甲局机关党委（新）" in page


def test_the_worker_renders_the_default_pages_ahead_so_the_first_view_is_served_from_the_cache(
    world, client_for, settings
):
    """Issue 22: after each refresh the worker renders the committee's and units' default pages, and the
    committee's in every period its page offers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.dashboards import warming

    settings.DASHBOARD_WARM_DEPTH = 1
    client = client_for(world.committee)
    url = reverse("dashboards:org", args=[world.root.pk])
    with temporary_metric("meetings.compliance_rate", {world.unit_a.pk: 50, world.root.pk: 70}):
        refresh()
        with CaptureQueriesContext(connection) as computed:
            expected = client.get(url).content.decode()
        refresh()  # a new generation: the page above is no longer served
        warmed = warming.warm_pages(force=True)
        # the committee's page in each of the five periods it offers, each unit's in the default one
        assert warmed == 5 + len({world.unit_a.pk, world.unit_b.pk})
        with CaptureQueriesContext(connection) as first_view:
            page = client.get(url).content.decode()
        last_year = f"{url}?period={this('year').previous().key}"
        with CaptureQueriesContext(connection) as other_period:
            client.get(last_year)
        unit_year = reverse("dashboards:org", args=[world.unit_a.pk]) + f"?period={this('year').key}"
        with CaptureQueriesContext(connection) as unit_other_period:
            client.get(unit_year)
    assert not any("metricsnapshot" in q["sql"] for q in first_view.captured_queries)
    assert not any("metricsnapshot" in q["sql"] for q in other_period.captured_queries)
    assert any("metricsnapshot" in q["sql"] for q in computed.captured_queries)
    assert re.sub(CSRF, "", page) == re.sub(CSRF, "", expected)
    assert 'data-value="70.0"' in page
    # A unit's other period, or a deeper organisation, is still computed on its first view.
    assert any("metricsnapshot" in q["sql"] for q in unit_other_period.captured_queries)
    branch = client.get(reverse("dashboards:org", args=[world.branch_a1.pk])).content.decode()
    assert world.branch_a1.name in branch


def test_pages_are_warmed_only_where_web_and_worker_share_the_cache(settings):
    from portal.dashboards import warming

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not warming.shared_cache()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "x"}}
    assert warming.shared_cache()


def test_the_refresh_task_warms_the_pages(world, monkeypatch):
    from portal.dashboards import warming
    from portal.tasks import refresh_summaries

    calls = []
    monkeypatch.setattr(warming, "warm_pages", lambda **kw: calls.append(kw) or 0)
    refresh_summaries()
    assert calls == [{}]


def test_each_ranking_and_heatmap_link_is_the_metrics_own_drill_url(world, client_for):
    """The tables make a column's links once (``figures._drill_maker``); each must be what the metric's
    ``drill_url`` gives for that organisation and period."""
    from branches import metric_registry
    from portal.dashboards import figures

    refresh()
    board = client_for(world.committee).get(reverse("dashboards:org", args=[world.root.pk])).context["board"]
    assert board.ranking and board.heatmap
    registry = metric_registry.available()
    for row in board.ranking:
        for f in row["figures"]:
            assert f.url == figures._drill(registry[f.name], row["org"], board.period), f.name
    for row, month in ((r, m) for r in board.heatmap for m in board.heatmap_months):
        cell = next(c for c in row["cells"] if c.label == month.label)
        assert cell.url == figures._drill(board.heatmap_metric, row["org"], month)
    for name, metric in registry.items():  # every registered metric, shown or not
        for org in (world.unit_a, world.branch_a1):
            link = figures._drill_maker(metric, board.period)(org)
            assert link == figures._drill(metric, org, board.period), name


def test_a_drill_link_that_reads_more_than_the_pk_is_made_for_each_organisation(world):
    from branches.metric_registry import Metric
    from portal.dashboards import figures

    period = this("quarter")
    by_name = Metric("x.by_name", "x", "个", many=dict, drill_url=lambda org, p: f"/x/?name={org.name}&p={p.key}")
    constant = Metric("x.constant", "x", "个", many=dict, drill_url=lambda org, p: "/x/")
    twice = Metric("x.twice", "x", "个", many=dict, drill_url=lambda org, p: f"/x/{org.pk}/?again={org.pk}")
    for metric in (by_name, constant, twice):
        for org in (world.unit_a, world.branch_a1):
            assert figures._drill_maker(metric, period)(org) == metric.drill_url(org, period)
    assert figures._drill_maker(Metric("x.none", "x", "个", many=dict), period)(world.unit_a) == ""
