"""Supervision through the API: the same forms, services, scope and audit as the pages (issue 26)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import AuditEntry
from supervision.models import FindingCategory, Rectification, TaskTarget
from tests.samples.supervision import _finding, _task

pytestmark = pytest.mark.django_db


def _audit_shape(entry):
    return (entry.action, entry.object_type, sorted((entry.before or {}).keys()), sorted((entry.after or {}).keys()))


def test_a_secretary_acknowledges_through_the_api_with_the_pages_audit(world, api_for, client_for):
    api_target = _task(world).targets.get()
    page_target = _task(world, title="另一任务").targets.get()
    response = api_for(world.secretary).post(f"/api/v1/supervision-targets/{api_target.pk}/acknowledge/")
    assert response.status_code == 200 and response.json()["status"] == TaskTarget.Status.ACKNOWLEDGED
    client_for(world.secretary).post(reverse("supervision:target_acknowledge", args=[page_target.pk]))
    api_entry = AuditEntry.objects.get(action="supervision.target_acknowledge", object_id=str(api_target.pk))
    page_entry = AuditEntry.objects.get(action="supervision.target_acknowledge", object_id=str(page_target.pk))
    assert _audit_shape(api_entry) == _audit_shape(page_entry)
    assert api_entry.actor == world.secretary


def test_acknowledging_twice_gives_the_services_message(world, api_for):
    target = _task(world).targets.get()
    api = api_for(world.secretary)
    api.post(f"/api/v1/supervision-targets/{target.pk}/acknowledge/")
    again = api.post(f"/api/v1/supervision-targets/{target.pk}/acknowledge/")
    assert again.status_code == 400
    assert "已" in str(again.json())


@pytest.mark.parametrize("persona", ["outsider", "other_admin", "nobody"])
def test_personas_outside_get_404_on_every_write(world, api_for, persona):
    target = _task(world).targets.get()
    rect = _finding(world).rectifications.get()
    api = api_for(getattr(world, persona))
    for url in (
        f"/api/v1/supervision-targets/{target.pk}/acknowledge/",
        f"/api/v1/supervision-targets/{target.pk}/reports/",
        f"/api/v1/supervision-targets/{target.pk}/findings/",
        f"/api/v1/rectifications/{rect.pk}/plan/",
        f"/api/v1/rectifications/{rect.pk}/accept/",
        f"/api/v1/rectifications/{rect.pk}/recheck/",
    ):
        assert api.post(url, {"plan": "x"}, format="json").status_code == 404, url


def test_a_report_is_validated_by_the_pages_form_and_refused_before_acknowledging(world, api_for):
    target = _task(world).targets.get()
    api = api_for(world.secretary)
    bad = api.post(f"/api/v1/supervision-targets/{target.pk}/reports/", {"stage": "nope"}, format="json")
    assert bad.status_code == 400 and "stage" in bad.json() and "content" in bad.json()
    early = api.post(
        f"/api/v1/supervision-targets/{target.pk}/reports/", {"stage": "report", "content": "已完成"}, format="json"
    )
    assert early.status_code == 400 and "签收" in str(early.json())
    api.post(f"/api/v1/supervision-targets/{target.pk}/acknowledge/")
    done = api.post(
        f"/api/v1/supervision-targets/{target.pk}/reports/", {"stage": "report", "content": "已完成"}, format="json"
    )
    assert done.status_code == 201 and done.json()["status"] == "submitted"
    review = api_for(world.inspector).post(
        f"/api/v1/supervision-targets/{target.pk}/reports/{done.json()['id']}/review/",
        {"accept": "1", "note": "好"},
        format="json",
    )
    assert review.status_code == 200 and review.json()["status"] == "accepted"


def test_only_an_inspector_records_a_finding(world, api_for):
    target = _task(world).targets.get()
    body = {
        "category": FindingCategory.objects.first().pk,
        "severity": "general",
        "description": "台账不全",
        "measures": "补齐台账",
        "rectification_deadline": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
    }
    url = f"/api/v1/supervision-targets/{target.pk}/findings/"
    assert api_for(world.committee).post(url, body, format="json").status_code in (201, 403)
    created = api_for(world.inspector).post(url, body, format="json")
    assert created.status_code == 201, created.content
    assert AuditEntry.objects.filter(action="supervision.finding_record", actor=world.inspector).exists()


def test_the_rectification_loop_runs_through_the_api(world, api_for):
    rect = _finding(world).rectifications.get()
    owner, inspector = api_for(world.secretary), api_for(world.inspector)
    base = f"/api/v1/rectifications/{rect.pk}"
    refused = inspector.post(f"{base}/plan/", {"plan": "不该由督查员提交"}, format="json")
    assert refused.status_code == 403
    assert owner.post(f"{base}/plan/", {"plan": "一、补齐台账"}, format="json").json()["status"] == "plan_proposed"
    assert inspector.post(f"{base}/accept/").json()["status"] == "in_progress"
    progress = owner.post(f"{base}/progress/", {"content": "已补齐一半"}, format="json")
    assert progress.status_code == 200
    assert owner.post(f"{base}/submit/").json()["status"] == "recheck"
    bad = inspector.post(f"{base}/recheck/", {"passed": "1"}, format="json")
    assert bad.status_code == 400 and "method" in bad.json()
    closed = inspector.post(f"{base}/recheck/", {"passed": "1", "method": "实地查看"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == Rectification.Status.CLOSED
