import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from branches import audit, metric_registry
from branches.periods import parse
from notices.collection import services as collection
from notices.models import PlanReport, ReportStatus
from notices.plans import services

from .collection_factories import request
from .factories import notice, secretaries_of
from .helpers import count_queries

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def at(y, m, d):
    return datetime.datetime(y, m, d, 10, tzinfo=TZ)


def plan(world, org=None, *, actor=None, kind="annual_plan", year=2026, submit=True, now=None):
    return services.file_report(
        actor=actor or audit.SYSTEM,
        organization=org or world.branch_a1,
        kind=kind,
        year=year,
        title=f"{year}年工作计划",
        body="计划正文",
        submit=submit,
        now=now or at(year, 3, 1),
    )


def test_the_annual_plan_is_due_in_the_first_quarter(world):
    r = plan(world)
    assert r.due_date == datetime.date(2026, 3, 31)
    assert r.status == ReportStatus.SUBMITTED and r.filed_on_time


def test_the_upper_organisation_reviews_and_returns_with_comments(world):
    r = plan(world, actor=world.secretary)
    with pytest.raises(PermissionDenied):
        services.review_report(actor=world.secretary, report=r, approve=True)
    with pytest.raises(PermissionDenied):
        services.review_report(actor=world.other_admin, report=r, approve=True)
    with pytest.raises(ValidationError):
        services.review_report(actor=world.unit_admin, report=r, approve=False, comment="")
    r = services.review_report(actor=world.unit_admin, report=r, approve=False, comment="请补充学习安排")
    assert r.status == ReportStatus.RETURNED
    r = plan(world, actor=world.secretary, now=at(2026, 4, 10))
    assert r.status == ReportStatus.SUBMITTED and r.filed_on_time  # the first filing counts for on time
    r = services.review_report(actor=world.unit_admin, report=r, approve=True)
    assert r.status == ReportStatus.APPROVED
    with pytest.raises(ValidationError):
        plan(world, actor=world.secretary)


def test_a_unit_admin_cannot_review_its_own_units_plan(world):
    r = plan(world, world.unit_a, actor=world.unit_admin)
    with pytest.raises(PermissionDenied):
        services.review_report(actor=world.unit_admin, report=r, approve=True)
    services.review_report(actor=world.committee, report=r, approve=True)


def test_plan_filed_on_time_is_a_metric_for_the_assessment(world):
    plan(world, world.branch_a1, now=at(2026, 3, 20))
    plan(world, world.branch_a2, now=at(2026, 4, 20))
    period = parse("2026")
    on_time = metric_registry.get("plans.plan_on_time")
    filed = metric_registry.get("plans.filing_rate")
    assert on_time.value(world.branch_a1, period) == 100.0
    assert on_time.value(world.branch_a2, period) == 0.0
    # unit_a files too: three filing organisations, two filed, one on time
    assert filed.value(world.unit_a, period) == round(200 / 3, 1)
    assert on_time.value(world.unit_a, period) == round(100 / 3, 1)
    assert metric_registry.get("plans.summary_filed").value(world.unit_a, period) == 0.0


def test_the_drill_list_counts_what_the_figure_counts(world, client_for):
    plan(world, world.branch_a1, now=at(2026, 3, 20))
    plan(world, world.branch_a2, now=at(2026, 4, 20))
    period = parse("2026")
    url = metric_registry.get("plans.plan_on_time").drill_url(world.unit_a, period)
    page = client_for(world.committee).get(url)
    assert page.context["page_obj"].paginator.count == 1 and page.context["expected"] == 3
    url = metric_registry.get("plans.filing_rate").drill_url(world.unit_a, period)
    assert client_for(world.committee).get(url).context["page_obj"].paginator.count == 2


def test_receipt_and_submission_rates_and_their_lists(world, client_for):
    n = notice(world, audience=secretaries_of(world.unit_a))
    from notices import services as notices

    notices.sign_notice(actor=world.secretary, notice=n)
    period = parse(str(timezone.localdate().year))
    rate = metric_registry.get("notices.receipt_rate")
    assert rate.value(world.unit_a, period) == 50.0 and rate.value(world.branch_a1, period) == 100.0
    page = client_for(world.committee).get(rate.drill_url(world.unit_a, period))
    assert page.context["page_obj"].paginator.count == 2 and page.context["signed_count"] == 1
    req = request(world, deadline=timezone.localdate() + datetime.timedelta(days=1))
    sub = req.submissions.get(organization=world.branch_a1)
    collection.save_answer(actor=world.secretary, submission=sub, answers={"count": "3"}, submit=True)
    period = parse(str(req.deadline.year))
    sub_rate = metric_registry.get("collection.submission_rate")
    assert sub_rate.value(world.root, period) == round(100 / 3, 1)
    page = client_for(world.committee).get(sub_rate.drill_url(world.root, period))
    assert page.context["page_obj"].paginator.count == 3 and page.context["done_count"] == 1


def test_metrics_take_a_fixed_number_of_queries(world):
    period = parse("2026")
    orgs = [world.root, world.unit_a, world.unit_b, world.branch_a1]
    for name in ("notices.receipt_rate", "collection.submission_rate", "plans.filing_rate", "plans.plan_on_time"):
        with count_queries() as c:
            metric_registry.get(name).values(orgs, period)
        assert c.n <= 3, name


def test_the_plan_pages_file_and_review(world, client_for):
    c = client_for(world.secretary)
    r = c.post(
        reverse("notices:plan_create"),
        {
            "organization": world.branch_a1.pk,
            "kind": "annual_plan",
            "year": 2026,
            "title": "计划",
            "body": "正文",
            "submit": "1",
        },
    )
    assert r.status_code == 302
    report = PlanReport.objects.get()
    assert client_for(world.outsider).get(reverse("notices:plan_detail", args=[report.pk])).status_code == 404
    client_for(world.unit_admin).post(reverse("notices:plan_review", args=[report.pk]), {"decision": "approve"})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_the_plan_api_files_and_reviews(world, api_for):
    r = api_for(world.secretary).post(
        "/api/v1/plan-reports/",
        {
            "organization": world.branch_a1.pk,
            "kind": "half_year_summary",
            "year": 2026,
            "title": "半年总结",
            "body": "x",
            "submit": True,
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert (
        api_for(world.outsider).post(f"/api/v1/plan-reports/{pk}/review/", {"approve": True}, format="json").status_code
        == 404
    )
    r = api_for(world.unit_admin).post(
        f"/api/v1/plan-reports/{pk}/review/", {"approve": False, "comment": "补充"}, format="json"
    )
    assert r.json()["status"] == "returned"


def test_plan_and_collection_reminders_are_due_for_those_who_have_not_filed(world):
    from notices import reminders

    items = [d for d in reminders.due(at(2026, 3, 26)) if d.kind == "plans.annual_plan_due"]
    assert world.secretary.pk in {d.recipient_id for d in items}
    plan(world, world.branch_a1, now=at(2026, 3, 20))
    items = [d for d in reminders.due(at(2026, 3, 26)) if d.kind == "plans.annual_plan_due"]
    assert world.secretary.pk not in {d.recipient_id for d in items if d.object_id == world.branch_a1.pk}
    req = request(world, deadline=timezone.localdate() + datetime.timedelta(days=1))
    now = datetime.datetime.combine(req.deadline + datetime.timedelta(days=1), datetime.time(9), tzinfo=TZ)
    due = [d for d in reminders.due(now) if d.kind == "collection.submission_due"]
    assert {d.step for d in due} == {"overdue"} and world.secretary.pk in {d.recipient_id for d in due}


def test_the_organisation_page_loads_its_plans_panel(world, client_for):
    plan(world, world.branch_a1)
    c = client_for(world.secretary)
    page = c.get(reverse("branches:organization_detail", args=[world.branch_a1.pk])).content.decode()
    panel = reverse("notices:org_plans", args=[world.branch_a1.pk])
    assert panel in page
    assert "2026年工作计划" in c.get(panel).content.decode()
    assert client_for(world.outsider).get(panel).status_code == 404
