"""Inspectors create and run their own tasks within their grant, when the committee allows it (issue 23).

Personas: an inspector granted on 甲局 (subtree). Targets inside (甲局第一党支部), beside (乙局第一党支部)
and above (the committee). Other personas: the other unit's admin (beside), the secretary (inside, no role).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from branches import audit
from branches import services as branch_services
from branches.models import AuditEntry
from branches.roles import Role
from portal.navigation import items_for
from supervision import services
from supervision.models import FindingCategory, SupervisionSettings, SupervisionTask
from tests.world import make_user

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def unit_inspector(world):
    user = make_user("unit_inspector", full_name="甲局督查员")
    branch_services.grant_role(
        actor=audit.SYSTEM, user=user, organization=world.unit_a, role=Role.INSPECTOR, include_subtree=True
    )
    return user


def _allow(on=True):
    row = SupervisionSettings.current()
    row.inspectors_create_tasks = on
    row.save()


def _payload(world, *targets, **extra):
    return {
        "title": "甲局专项督查",
        "kind": "special",
        "deadline": "2026-03-31",
        "targets": [o.pk for o in targets or [world.branch_a1]],
        **extra,
    }


def _menu(user):
    return {item["url"] for item in items_for(user, "/")}


def test_when_off_the_page_the_api_the_service_and_the_menu_refuse(world, unit_inspector, client_for, api_for):
    assert client_for(unit_inspector).get(reverse("supervision:task_create")).status_code == 403
    response = api_for(unit_inspector).post("/api/v1/supervision-tasks/", _payload(world), format="json")
    assert response.status_code == 403
    with pytest.raises(PermissionDenied) as refused:
        services.create_task(
            actor=unit_inspector, title="t", kind="routine", deadline=D(2026, 3, 31), targets=[world.branch_a1]
        )
    assert "工委" in str(refused.value)
    assert "supervision:task_create" not in _menu(unit_inspector)
    assert not SupervisionTask.objects.exists()


def test_when_on_an_inspector_creates_a_task_inside_their_grant_and_runs_it(world, unit_inspector, client_for):
    _allow()
    assert "supervision:task_create" in _menu(unit_inspector)
    client = client_for(unit_inspector)
    form = client.get(reverse("supervision:task_create"))
    assert form.status_code == 200
    body = form.content.decode()
    assert "甲局第一党支部" in body and "乙局第一党支部" not in body and "市直机关工委" not in body
    assert 'data-testid="own-task-note"' in body
    response = client.post(reverse("supervision:task_create"), {**_payload(world), "issue_now": "on"})
    task = SupervisionTask.objects.get()
    assert response.status_code == 302 and response.url == reverse("supervision:task_detail", args=[task.pk])
    assert task.status == SupervisionTask.Status.ISSUED and task.created_by == unit_inspector
    assert list(task.inspectors.all()) == [unit_inspector]
    entry = AuditEntry.objects.get(action="supervision.task_create", object_id=str(task.pk))
    assert entry.actor == unit_inspector and entry.after["as_inspector"] is True
    assert entry.after["inspectors"] == [unit_inspector.pk]
    # They run it: findings and the recheck.
    target = task.targets.get()
    services.acknowledge(actor=world.secretary, target=target)
    finding = services.record_finding(
        actor=unit_inspector,
        target=target,
        category=FindingCategory.objects.get(name="组织建设"),
        severity="general",
        description="台账不全",
        measures="补齐台账",
        rectification_deadline=D(2027, 6, 30),
    )
    rect = finding.rectifications.get()
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案")
    services.accept_plan(actor=unit_inspector, rectification=rect)
    services.report_progress(actor=world.secretary, rectification=rect, content="完成")
    services.submit_for_recheck(actor=world.secretary, rectification=rect)
    services.recheck(actor=unit_inspector, rectification=rect, passed=True, method="查阅台账")
    rect.refresh_from_db()
    assert rect.status == "closed"
    services.close_task(actor=unit_inspector, task=task)
    assert SupervisionTask.objects.get(pk=task.pk).status == SupervisionTask.Status.CLOSED


def test_the_api_creates_through_the_same_service(world, unit_inspector, api_for):
    _allow()
    response = api_for(unit_inspector).post("/api/v1/supervision-tasks/", _payload(world), format="json")
    assert response.status_code == 201, response.content
    task = SupervisionTask.objects.get(pk=response.json()["id"])
    assert task.status == SupervisionTask.Status.ISSUED  # issue_now defaults on, as on the page
    assert list(task.inspectors.all()) == [unit_inspector]
    assert AuditEntry.objects.filter(action="supervision.task_create", object_id=str(task.pk)).exists()


@pytest.mark.parametrize("where", ["branch_b1", "root", "unit_b"])
def test_targets_beside_or_above_the_grant_are_refused(world, unit_inspector, client_for, api_for, where):
    _allow()
    outside = getattr(world, where)
    page = client_for(unit_inspector).post(reverse("supervision:task_create"), _payload(world, outside))
    assert page.status_code == 200 and "有效" in page.content.decode()  # the form's Chinese refusal
    api = api_for(unit_inspector).post("/api/v1/supervision-tasks/", _payload(world, outside), format="json")
    assert api.status_code in (400, 404)
    with pytest.raises(PermissionDenied) as refused:
        services.create_task(
            actor=unit_inspector, title="t", kind="routine", deadline=D(2026, 3, 31), targets=[outside]
        )
    assert "范围" in str(refused.value)
    assert not SupervisionTask.objects.exists()


def test_an_inspector_may_not_name_other_inspectors(world, unit_inspector):
    _allow()
    with pytest.raises(PermissionDenied):
        services.create_task(
            actor=unit_inspector,
            title="t",
            kind="routine",
            deadline=D(2026, 3, 31),
            targets=[world.branch_a1],
            inspectors=[world.inspector],
        )


@pytest.mark.parametrize("persona", ["other_admin", "secretary", "unit_admin", "member"])
def test_other_personas_still_may_not_create_tasks(world, client_for, api_for, persona):
    _allow()
    user = getattr(world, persona)
    assert client_for(user).get(reverse("supervision:task_create")).status_code == 403
    assert api_for(user).post("/api/v1/supervision-tasks/", _payload(world), format="json").status_code == 403
    assert "supervision:task_create" not in _menu(user)


def test_committee_staff_create_as_before_whatever_the_setting(world, api_for):
    response = api_for(world.committee).post(
        "/api/v1/supervision-tasks/", _payload(world, world.branch_b1, inspectors=[world.inspector.pk]), format="json"
    )
    assert response.status_code == 201
    task = SupervisionTask.objects.get()
    assert list(task.inspectors.all()) == [world.inspector]
    assert "supervision:task_create" in _menu(world.committee)


def test_a_draft_is_not_issued_once_the_committee_withdraws_the_permission(world, unit_inspector, client_for):
    _allow()
    task = services.create_task(
        actor=unit_inspector, title="t", kind="routine", deadline=D(2026, 3, 31), targets=[world.branch_a1]
    )
    _allow(False)
    with pytest.raises(PermissionDenied):
        services.issue_task(actor=unit_inspector, task=task)
    # Another inspector on the tree may see the task only if assigned: they cannot issue it.
    with pytest.raises(PermissionDenied):
        services.issue_task(actor=world.inspector, task=task)
    client_for(unit_inspector).post(reverse("supervision:task_action", args=[task.pk, "issue"]))
    assert SupervisionTask.objects.get(pk=task.pk).status == SupervisionTask.Status.DRAFT


def test_the_task_page_offers_issue_to_the_inspector_who_created_it(world, unit_inspector, client_for):
    _allow()
    task = services.create_task(
        actor=unit_inspector, title="t", kind="routine", deadline=D(2026, 3, 31), targets=[world.branch_a1]
    )
    page = client_for(unit_inspector).get(reverse("supervision:task_detail", args=[task.pk]))
    assert 'data-testid="issue-task"' in page.content.decode()
    client_for(unit_inspector).post(reverse("supervision:task_action", args=[task.pk, "issue"]))
    assert SupervisionTask.objects.get(pk=task.pk).status == SupervisionTask.Status.ISSUED
    # Beside: the other unit's admin does not see it at all.
    assert client_for(world.other_admin).get(reverse("supervision:task_detail", args=[task.pk])).status_code == 404


def test_the_committee_switches_the_rule_on_its_page_audited(world, client_for):
    url = reverse("supervision:settings")
    for persona in ("inspector", "unit_admin", "other_admin", "secretary"):
        assert client_for(getattr(world, persona)).get(url).status_code == 403
    client = client_for(world.committee)
    assert client.get(url).status_code == 200
    response = client.post(url, {"inspectors_create_tasks": "on", "pause_while_waiting_on_inspector": "on"})
    assert response.status_code == 302
    row = SupervisionSettings.current()
    assert row.inspectors_create_tasks and row.pause_while_waiting_on_inspector
    entry = AuditEntry.objects.get(action="supervision.settings_change")
    assert entry.actor == world.committee and entry.after["inspectors_create_tasks"] is True
    client.post(url, {"pause_while_waiting_on_inspector": "on"})
    entry = AuditEntry.objects.filter(action="supervision.settings_change").latest("pk")
    assert entry.before["inspectors_create_tasks"] is True and entry.after["inspectors_create_tasks"] is False
    assert SupervisionSettings.objects.count() == 1
