import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches import metric_registry
from branches.models import AuditEntry
from supervision.accountability import figures, services
from supervision.accountability.models import Rating, Reporter

from .helpers import open_round, taps

pytestmark = pytest.mark.django_db


def _today_round(world, **kw):
    today = timezone.localdate()
    rnd = open_round(world, **kw)
    rnd.rating_starts, rnd.rating_ends = today, today + datetime.timedelta(days=3)
    rnd.save()
    return rnd


def test_secretary_sees_prefilled_figures_and_files_the_report(world, client_for):
    rnd = _today_round(world, include_branches=True)
    a1 = rnd.reporters.get(organization=world.branch_a1)
    client = client_for(world.secretary)
    page = client.get(reverse("accountability:reporter_detail", args=[a1.pk]))
    assert page.status_code == 200
    assert 'data-metric="meetings.compliance_rate"' in page.content.decode()
    assert 'data-testid="report-form"' in page.content.decode()
    client.post(reverse("accountability:reporter_report", args=[a1.pk]), {"report": "述职报告正文"})
    a1.refresh_from_db()
    assert a1.report == "述职报告正文" and a1.filed_at


def test_outsider_gets_404_on_pages_and_api(world, client_for, api_for):
    rnd = _today_round(world, include_branches=True)
    a1 = rnd.reporters.get(organization=world.branch_a1)
    for url in [
        reverse("accountability:reporter_detail", args=[a1.pk]),
        reverse("accountability:reporter_rate", args=[a1.pk]),
    ]:
        assert client_for(world.outsider).get(url).status_code == 404
    assert (
        client_for(world.outsider)
        .post(reverse("accountability:reporter_report", args=[a1.pk]), {"report": "x"})
        .status_code
        == 404
    )
    api = api_for(world.outsider)
    assert api.get(f"/api/v1/review-reporters/{a1.pk}/").status_code == 404
    assert api.post(f"/api/v1/review-reporters/{a1.pk}/report/", {"report": "x"}, format="json").status_code == 404
    assert api.post(f"/api/v1/review-rounds/{rnd.pk}/close/").status_code == 404
    assert not Reporter.objects.get(pk=a1.pk).report


def test_rater_rates_on_the_page_once_and_sees_no_one_elses_grades(world, client_for):
    rnd = _today_round(world)
    seats = list(rnd.raters.select_related("user"))
    a = rnd.reporters.get(organization=world.unit_a)
    services.rate(actor=seats[1].user, reporter=a, taps=taps(rnd, "差"))
    client = client_for(seats[0].user)
    page = client.get(reverse("accountability:reporter_rate", args=[a.pk])).content.decode()
    assert 'data-testid="rating-form"' in page and "checked" not in page
    data = {f"dim-{d}": g for d, g in taps(rnd, "好").items()}
    response = client.post(reverse("accountability:reporter_rate", args=[a.pk]), data)
    assert response.status_code == 302
    again = client.post(
        reverse("accountability:reporter_rate", args=[a.pk]), {f"dim-{d}": g for d, g in taps(rnd, "差").items()}
    )
    assert again.status_code == 200
    assert Rating.objects.filter(reporter=a).count() == 2
    assert (
        'data-testid="already-rated"'
        in client.get(reverse("accountability:reporter_rate", args=[a.pk])).content.decode()
    )


def test_committee_sees_counts_and_who_has_not_rated_never_individual_grades(world, client_for):
    rnd = _today_round(world)
    seats = list(rnd.raters.select_related("user"))
    a = rnd.reporters.get(organization=world.unit_a)
    services.rate(actor=seats[0].user, reporter=a, taps=taps(rnd, "较好"))
    page = client_for(world.committee).get(reverse("accountability:round_detail", args=[rnd.pk])).content.decode()
    assert "1 / 3" in page
    assert seats[1].user.display_name in page  # has not rated
    assert "较好" not in page  # no grade shown while open, nobody's tap ever


def test_api_rate_close_publish_and_problems(world, api_for, client_for):
    rnd = _today_round(world)
    seats = list(rnd.raters.select_related("user"))
    a = rnd.reporters.get(organization=world.unit_a)
    for seat in seats:
        r = api_for(seat.user).post(
            f"/api/v1/review-reporters/{a.pk}/rate/", {"grades": taps(rnd, "好")}, format="json"
        )
        assert r.status_code == 201, r.content
        assert "grades" not in r.json()
    again = api_for(seats[0].user).post(
        f"/api/v1/review-reporters/{a.pk}/rate/", {"grades": taps(rnd, "差")}, format="json"
    )
    assert again.status_code == 400 and again.json()["detail"]
    committee = api_for(world.committee)
    progress = committee.get(f"/api/v1/review-rounds/{rnd.pk}/progress/").json()
    assert {row["organization"]: row["ratings"] for row in progress["rows"]}[world.unit_a.pk] == 3
    assert api_for(world.unit_admin).get(f"/api/v1/review-reporters/{a.pk}/").json()["total_score"] is None
    assert committee.post(f"/api/v1/review-rounds/{rnd.pk}/close/").json()["status"] == "closed"
    assert api_for(world.unit_admin).get(f"/api/v1/review-reporters/{a.pk}/").json()["total_score"] is None
    assert committee.get(f"/api/v1/review-reporters/{a.pk}/").json()["rank"] == 1
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    r = committee.post(
        f"/api/v1/review-reporters/{a.pk}/problems/", {"description": "问题一", "deadline": deadline}, format="json"
    )
    assert r.status_code == 201 and r.json()["rectification"]
    assert committee.post(f"/api/v1/review-rounds/{rnd.pk}/publish/").json()["status"] == "published"
    assert api_for(world.unit_admin).get(f"/api/v1/review-reporters/{a.pk}/").json()["grade"] in {
        "好",
        "较好",
        "一般",
        "差",
    }
    assert AuditEntry.objects.filter(action="accountability.problem_send").count() == 1
    # The round page counts each reporter's problems (a count per row of the page, issue 22).
    page = client_for(world.committee).get(reverse("accountability:round_detail", args=[rnd.pk])).content.decode()
    others = rnd.reporters.exclude(pk=a.pk)
    assert f'data-testid="problem-count-{world.unit_a.pk}">1<' in page
    assert others and all(f'data-testid="problem-count-{r.organization_id}">0<' in page for r in others)


def test_api_refuses_bad_input_with_a_message(world, api_for):
    committee = api_for(world.committee)
    r = committee.post(
        "/api/v1/review-rounds/",
        {
            "title": "x",
            "year": 2026,
            "report_deadline": "2027-01-10",
            "rating_starts": "2027-01-20",
            "rating_ends": "2027-01-10",
        },
        format="json",
    )
    assert r.status_code == 400 and r.json()["detail"]
    r = committee.post(
        "/api/v1/review-rounds/",
        {
            "title": "x",
            "year": 2026,
            "report_deadline": "2027-01-10",
            "rating_starts": "2027-01-10",
            "rating_ends": "2027-01-12",
        },
        format="json",
    )
    assert r.status_code == 201 and len(r.json()["grades"]) == 4
    assert api_for(world.unit_admin).post("/api/v1/review-rounds/", {"title": "x"}, format="json").status_code == 400


def test_report_figures_equal_the_dashboard_snapshot_for_the_same_org_and_year(world):
    """One source of truth: the figures filed with a report are the dashboards' figures for that year."""
    from portal.dashboards import refresh_summaries
    from portal.dashboards.models import MetricSnapshot
    from tests.portal.dashboard_helpers import temporary_metric

    year = timezone.localdate().year
    period = figures.year_period(year)
    with temporary_metric("meetings.compliance_rate", {(world.branch_a1.pk, period.key): 87.5}):
        rnd = open_round(world, include_branches=True, year=year)
        a1 = rnd.reporters.get(organization=world.branch_a1)
        services.file_report(actor=world.secretary, reporter=a1, report="正文")
        refresh_summaries(actor=world.committee)
        a1.refresh_from_db()
        for name, value in a1.report_figures.items():
            snap = MetricSnapshot.objects.filter(
                metric=name, organization=world.branch_a1, period_key=period.key
            ).first()
            registry_value = (
                metric_registry.get(name).value(world.branch_a1, period)
                if name in metric_registry.available()
                else None
            )
            assert value == (None if registry_value is None else float(registry_value))
            if snap is not None:
                assert value == snap.value, name
        assert a1.report_figures["meetings.compliance_rate"] == 87.5


def test_round_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    client = client_for(world.committee)
    _today_round(world, title="一")
    client.get(reverse("accountability:round_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accountability:round_list"))
    for i in range(3):
        _today_round(world, title=f"二{i}")
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("accountability:round_list"))


def test_export_is_an_excel_workbook_for_organisers_only(world, client_for):
    rnd = _today_round(world)
    url = reverse("accountability:round_export", args=[rnd.pk])
    r = client_for(world.committee).get(url)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(world.unit_admin).get(url).status_code == 404


def test_round_page_pages_its_reporters_with_round_wide_totals_and_fixed_queries(
    world, client_for, django_assert_max_num_queries, monkeypatch
):
    """A city round reports hundreds of secretaries: the page shows one page of them (issue 22)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from branches import services as org_services
    from branches.models import OrganizationKind
    from supervision.accountability import selectors
    from supervision.accountability.views import RoundDetailView

    monkeypatch.setattr(RoundDetailView, "paginate_by", 2)
    rnd = _today_round(world, include_branches=True)
    seats = list(rnd.raters.select_related("user"))
    a = rnd.reporters.get(organization=world.unit_a)
    services.rate(actor=seats[0].user, reporter=a, taps=taps(rnd, "较好"))
    client = client_for(world.committee)
    url = reverse("accountability:round_detail", args=[rnd.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    reporters = rnd.reporters.count()
    assert page.count('data-testid="rating-count"') == 2
    assert f"0 / {reporters}" in page  # reports filed, round-wide
    expected = selectors.progress(rnd)["expected"]
    assert expected > 1
    assert f"<strong>1 / {expected}</strong>" in page  # ratings given, round-wide
    for i in range(4):
        branch = org_services.create_organization(
            actor=world.committee, name=f"甲局第{i + 3}党支部", kind=OrganizationKind.BRANCH, parent=world.unit_a
        )
        Reporter.objects.create(round=rnd, organization=branch, panel=a.panel)
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert page.count('data-testid="rating-count"') == 2
    assert f"0 / {reporters + 4}" in page
    assert client.get(url, {"page": 3}).status_code == 200
