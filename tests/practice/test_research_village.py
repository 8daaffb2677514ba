import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from branches import metric_registry, periods
from branches.models import AuditEntry
from practice.research import services as research
from practice.village import reminders, services
from tests.samples.practice import _docx

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 10)


def topic(world, **kw):
    return research.create_topic(
        actor=kw.pop("actor", world.secretary), organization=world.branch_a1, title="基层减负调研", year=2026, **kw
    )


def test_topic_report_and_outcome(world, client_for):
    t = topic(world, leader=world.members["secretary"], members=[world.members["member"]])
    research.file_report(actor=world.secretary, topic=t, uploaded=_docx(), today=DAY)
    research.add_outcome(actor=world.secretary, topic=t, kind="measure", description="出台减负十条", date=DAY)
    t.refresh_from_db()
    assert t.report_filed_on == DAY and t.outcomes.count() == 1
    assert AuditEntry.objects.filter(action="research.report").exists()
    c = client_for(world.secretary)
    page = c.get(reverse("practice:research_detail", args=[t.pk])).content.decode()
    assert "出台减负十条" in page
    assert c.get(reverse("practice:research_report", args=[t.reports.get().pk])).status_code == 200
    assert client_for(world.outsider).get(reverse("practice:research_detail", args=[t.pk])).status_code == 404


def test_topic_rules(world):
    with pytest.raises(ValidationError):
        topic(world, members=[world.members["outsider"]])
    with pytest.raises(PermissionDenied):
        topic(world, actor=world.outsider)
    t = topic(world)
    with pytest.raises(ValidationError):
        research.add_outcome(actor=world.secretary, topic=t, kind="x", description="y")
    from tests.samples.practice import png

    with pytest.raises(ValidationError):
        research.file_report(actor=world.secretary, topic=t, uploaded=png())  # reports are documents


def test_research_metrics_equal_their_lists(world, client_for):
    a = topic(world)
    topic(world)
    research.file_report(actor=world.secretary, topic=a, uploaded=_docx(), today=DAY)
    period = periods.parse("2026")
    topics, reports = metric_registry.get("practice.research_topics"), metric_registry.get("practice.research_reports")
    assert topics.value(world.root, period) == 2 and reports.value(world.root, period) == 1
    c = client_for(world.committee)
    assert 'data-total="2"' in c.get(topics.drill_url(world.root, period)).content.decode()
    assert 'data-total="1"' in c.get(reports.drill_url(world.root, period)).content.decode()


def posting(world, **kw):
    return services.appoint(
        actor=kw.pop("actor", world.unit_admin),
        organization=world.unit_a,
        member=kw.pop("member", world.members["member"]),
        village="南湖村",
        term_start=kw.pop("term_start", datetime.date(2025, 1, 1)),
        term_end=kw.pop("term_end", datetime.date(2027, 1, 1)),
    )


def test_roster_and_reports(world, client_for):
    p = posting(world)
    with pytest.raises(PermissionDenied):
        posting(world, actor=world.secretary)
    with pytest.raises(ValidationError):
        posting(world, member=world.members["outsider"], actor=world.committee, term_end=datetime.date(2024, 1, 1))
    services.file_report(actor=world.member, posting=p, quarter="2026-Q1", content="走访农户50户", today=DAY)
    with pytest.raises(ValidationError):
        services.file_report(actor=world.member, posting=p, quarter="2026-Q1", content="again", today=DAY)
    with pytest.raises(ValidationError):
        services.file_report(actor=world.member, posting=p, quarter="2026-Q3", content="future", today=DAY)
    with pytest.raises(PermissionDenied):
        services.file_report(
            actor=world.outsider, posting=p, quarter="2026-Q2", content="x", today=datetime.date(2026, 7, 1)
        )
    # the first secretary sees their own posting and files on the page
    c = client_for(world.member)
    assert c.get(reverse("practice:village_detail", args=[p.pk])).status_code == 200
    assert client_for(world.outsider).get(reverse("practice:village_detail", args=[p.pk])).status_code == 404
    metric = metric_registry.get("practice.village_reports")
    period = periods.parse("2026")
    assert metric.value(world.root, period) == 1
    assert 'data-total="1"' in client_for(world.committee).get(metric.drill_url(world.root, period)).content.decode()


def test_reminders_for_term_ends_and_missing_reports(world):
    p = posting(world, term_end=datetime.date(2026, 7, 20))
    items = list(reminders.due(datetime.datetime(2026, 7, 1, 9)))
    kinds = {(i.kind, i.step) for i in items}
    assert ("practice.first_secretary_term_end", "1m") in kinds
    assert ("practice.village_report_missing", "2026-Q2") not in kinds  # grace days not over
    items = list(reminders.due(datetime.datetime(2026, 7, 12, 9)))
    missing = [i for i in items if i.kind == "practice.village_report_missing"]
    assert {world.member.pk, world.unit_admin.pk, world.committee.pk} <= {i.recipient_id for i in missing}
    services.file_report(
        actor=world.member, posting=p, quarter="2026-Q2", content="x", today=datetime.date(2026, 7, 12)
    )
    assert not [
        i for i in reminders.due(datetime.datetime(2026, 7, 12, 9)) if i.kind == "practice.village_report_missing"
    ]


def test_api(world, api_for):
    admin = api_for(world.unit_admin)
    r = admin.post(
        "/api/v1/first-secretaries/",
        {
            "organization": world.unit_a.pk,
            "member": world.members["member"].pk,
            "village": "南湖村",
            "term_start": "2025-01-01",
            "term_end": "2027-01-01",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = api_for(world.member).post(f"/api/v1/first-secretaries/{pk}/reports/", {"quarter": "2025-Q4", "content": "x"})
    assert r.status_code == 201, r.content
    assert api_for(world.outsider).get(f"/api/v1/first-secretaries/{pk}/").status_code == 404
    sec = api_for(world.secretary)
    r = sec.post(
        "/api/v1/research-topics/", {"organization": world.branch_a1.pk, "title": "调研", "year": 2026}, format="json"
    )
    assert r.status_code == 201, r.content
    tid = r.json()["id"]
    r = sec.post(f"/api/v1/research-topics/{tid}/report/", {"file": _docx()}, format="multipart")
    assert r.status_code == 200 and r.json()["report_filed_on"]
    r = sec.post(
        f"/api/v1/research-topics/{tid}/outcomes/", {"kind": "policy", "description": "出台办法"}, format="json"
    )
    assert r.status_code == 201
    assert api_for(world.outsider).get(f"/api/v1/research-topics/{tid}/").status_code == 404
