import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from branches.models import AuditEntry
from supervision import services
from supervision.models import Rectification, StageReport, SupervisionTask, TaskKind, TaskTarget

from .helpers import NOW, at, finding_for, issued_task

pytestmark = pytest.mark.django_db
D = datetime.date


def _rect_in_progress(world, **kw):
    finding = finding_for(world, **kw)
    rect = finding.rectifications.get()
    services.propose_plan(actor=world.secretary, rectification=rect, plan="逐项补齐记录")
    services.accept_plan(actor=world.inspector, rectification=rect, now=NOW)
    return Rectification.objects.get(pk=rect.pk)


def test_issuing_a_task_notifies_the_target_secretary_and_unit_admin(world, django_capture_on_commit_callbacks):
    from branches import events

    sent = []
    events.notify.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="t-issue")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            issued_task(world)
    finally:
        events.notify.disconnect(dispatch_uid="t-issue")
    assert len(sent) == 1
    assert set(sent[0]["recipients"]) == {world.secretary.pk, world.unit_admin.pk}
    assert sent[0]["urgent"] is True


def test_a_secretary_cannot_create_a_task(world):
    with pytest.raises(PermissionDenied):
        services.create_task(
            actor=world.secretary, title="x", kind="routine", deadline=D(2026, 4, 1), targets=[world.branch_a1]
        )


def test_a_target_cannot_report_before_acknowledging(world):
    task = issued_task(world)
    target = task.targets.get()
    with pytest.raises(ValidationError):
        services.submit_stage_report(actor=world.secretary, target=target, stage="report", content="已完成")


def test_a_central_decision_task_completes_when_every_stage_is_accepted(world):
    task = issued_task(world, kind=TaskKind.CENTRAL_DECISION)
    target = services.acknowledge(actor=world.secretary, target=task.targets.get(), now=NOW)
    for stage in task.stages:
        report = services.submit_stage_report(actor=world.secretary, target=target, stage=stage, content="报告")
        services.review_stage_report(actor=world.inspector, report=report, accept=True)
    assert TaskTarget.objects.get(pk=target.pk).status == TaskTarget.Status.COMPLETED
    assert len(task.stages) == 5


def test_a_returned_report_can_be_submitted_again_but_not_a_pending_one(world):
    task = issued_task(world)
    target = services.acknowledge(actor=world.secretary, target=task.targets.get(), now=NOW)
    report = services.submit_stage_report(actor=world.secretary, target=target, stage="report", content="报告")
    with pytest.raises(ValidationError):
        services.submit_stage_report(actor=world.secretary, target=target, stage="report", content="再报")
    services.review_stage_report(actor=world.inspector, report=report, accept=False, note="缺少佐证")
    again = services.submit_stage_report(actor=world.secretary, target=target, stage="report", content="补充")
    assert again.status == StageReport.Status.SUBMITTED


def test_the_sibling_secretary_cannot_acknowledge_another_branchs_task(world):
    task = issued_task(world)
    with pytest.raises(PermissionDenied):
        services.acknowledge(actor=world.outsider, target=task.targets.get())


def test_no_report_after_the_task_is_closed(world):
    task = issued_task(world)
    target = services.acknowledge(actor=world.secretary, target=task.targets.get(), now=NOW)
    services.close_task(actor=world.committee, task=task)
    with pytest.raises(ValidationError):
        services.submit_stage_report(actor=world.secretary, target=target, stage="report", content="迟到的报告")


def test_an_inspector_not_on_the_task_cannot_record_findings(world):
    task = services.create_task(
        actor=world.committee,
        title="无督查员",
        kind="routine",
        deadline=D(2026, 4, 1),
        targets=[world.branch_a1],
        organization=world.root,
    )
    services.issue_task(actor=world.committee, task=task, now=NOW)
    with pytest.raises(PermissionDenied):
        finding_for(world, task)


def test_a_finding_repeating_an_earlier_tasks_finding_is_flagged(world):
    first = finding_for(world, category="纪律建设")
    second = finding_for(world, issued_task(world, title="回头看"), category="纪律建设")
    other = finding_for(world, issued_task(world, title="第三次"), category="作风建设")
    assert second.repeat_of == first
    assert other.repeat_of is None


def test_a_systemic_finding_creates_self_inspection_tasks_for_every_branch_in_scope(world):
    finding = finding_for(world, systemic_scope=world.unit_a)
    spawned = SupervisionTask.objects.get(source_finding=finding)
    assert spawned.kind == TaskKind.SELF_INSPECTION
    assert set(spawned.targets.values_list("organization", flat=True)) == {world.branch_a1.pk, world.branch_a2.pk}


def test_nothing_closes_without_a_passed_recheck(world):
    rect = _rect_in_progress(world)
    with pytest.raises(ValidationError):
        services.recheck(actor=world.inspector, rectification=rect, passed=True, method="实地查看")
    services.report_progress(actor=world.secretary, rectification=rect, content="已补齐", now=NOW)
    services.submit_for_recheck(actor=world.secretary, rectification=rect)
    services.recheck(actor=world.inspector, rectification=rect, passed=False, method="查阅台账", notes="仍缺两次")
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.IN_PROGRESS and rect.failed_rechecks == 1
    services.submit_for_recheck(actor=world.secretary, rectification=rect)
    services.recheck(actor=world.inspector, rectification=rect, passed=True, method="查阅台账", now=at(2026, 3, 10))
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.CLOSED and rect.closed_at == at(2026, 3, 10)


def test_no_progress_report_after_closure(world):
    rect = _rect_in_progress(world)
    services.report_progress(actor=world.secretary, rectification=rect, content="已补齐", now=NOW)
    services.submit_for_recheck(actor=world.secretary, rectification=rect)
    services.recheck(actor=world.inspector, rectification=rect, passed=True, method="查阅台账")
    with pytest.raises(ValidationError):
        services.report_progress(actor=world.secretary, rectification=rect, content="又一条")


def test_changing_an_accepted_plan_reopens_acceptance(world):
    rect = _rect_in_progress(world)
    services.propose_plan(actor=world.secretary, rectification=rect, plan="新的方案")
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.PLAN_PROPOSED and rect.plan_accepted_at is None
    with pytest.raises(ValidationError):
        services.report_progress(actor=world.secretary, rectification=rect, content="进展")


def test_the_deadline_moves_only_with_an_approved_extension(world):
    rect = finding_for(world).rectifications.get()
    ext = services.request_extension(
        actor=world.secretary, rectification=rect, new_deadline=D(2026, 4, 10), reason="涉及换届", now=NOW
    )
    rect.refresh_from_db()
    assert rect.effective_deadline == D(2026, 3, 20)
    services.decide_extension(actor=world.inspector, extension=ext, approve=True)
    rect.refresh_from_db()
    assert rect.effective_deadline == D(2026, 4, 10) and rect.deadline == D(2026, 3, 20)
    assert AuditEntry.objects.filter(action="supervision.rectification_deadline", object_id=str(rect.pk)).exists()


def test_a_rejected_extension_leaves_the_deadline(world):
    rect = finding_for(world).rectifications.get()
    ext = services.request_extension(
        actor=world.secretary, rectification=rect, new_deadline=D(2026, 4, 10), reason="涉及换届", now=NOW
    )
    services.decide_extension(actor=world.inspector, extension=ext, approve=False, note="理由不足")
    rect.refresh_from_db()
    assert rect.effective_deadline == D(2026, 3, 20)


def test_the_secretary_cannot_accept_their_own_plan(world):
    rect = finding_for(world).rectifications.get()
    services.propose_plan(actor=world.secretary, rectification=rect, plan="方案")
    with pytest.raises(PermissionDenied):
        services.accept_plan(actor=world.secretary, rectification=rect)


def test_every_step_is_audited_with_before_and_after(world):
    rect = _rect_in_progress(world)
    entry = AuditEntry.objects.filter(action="supervision.rectification_plan_accept").get()
    assert entry.before["status"] == "plan_proposed" and entry.after["status"] == "in_progress"
    assert entry.actor == world.inspector and entry.object_id == str(rect.pk)
