"""Supervision tasks, their targets and stage reports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from branches import audit
from branches.access import has_permission
from branches.audit import snapshot
from branches.models import Organization

from ..models import (
    StageReport,
    SupervisionSettings,
    SupervisionTask,
    TaskKind,
    TaskTarget,
)

# ---------------------------------------------------------------- tasks
from .common import _attach, _notify, _now, _require, responsible_user_ids


def may_create_tasks(user) -> bool:
    """Whether the user may open the new-task page at all (committee staff; inspectors when allowed).

    Kept on the user object for the request (the menu asks on every page)."""
    cached = getattr(user, "_may_create_tasks", None)
    if cached is None:
        cached = has_permission(user, "supervision.manage") or (
            has_permission(user, "supervision.inspect") and SupervisionSettings.current().inspectors_create_tasks
        )
        if getattr(user, "pk", None):
            user._may_create_tasks = cached
    return cached


def creation_scope(actor):
    """``(organisations, as_inspector)``: where the actor may create tasks, or ``(None, False)``.

    Committee staff: the organisations they manage. An inspector, when the committee allows it
    (``SupervisionSettings.inspectors_create_tasks``): the organisations their inspector grant covers.
    """
    managed = Organization.objects.visible_to(actor, "supervision.manage")
    if managed.exists():
        return managed, False
    if has_permission(actor, "supervision.inspect") and SupervisionSettings.current().inspectors_create_tasks:
        return Organization.objects.visible_to(actor, "supervision.inspect"), True
    return None, False


def _refuse_creation(actor):
    if has_permission(actor, "supervision.inspect"):
        raise PermissionDenied(_("The work committee has not allowed inspectors to create supervision tasks."))
    raise PermissionDenied(_("Only work committee staff may create supervision tasks."))


def _runs_own_task(actor, task: SupervisionTask) -> bool:
    """An inspector who created the task, is on it, and still covers all its targets (setting aside)."""
    if not getattr(actor, "pk", None) or task.created_by_id != actor.pk:
        return False
    if not task.inspectors.filter(pk=actor.pk).exists():
        return False
    covered = Organization.objects.visible_to(actor, "supervision.inspect")
    return not task.targets.exclude(organization__in=covered).exists()


def may_run_task(actor, task: SupervisionTask) -> bool:
    """Whether the actor issues and closes this task: its committee, or the inspector who created it."""
    if SupervisionTask.objects.visible_to(actor, "manage").filter(pk=task.pk).exists():
        return True
    return _runs_own_task(actor, task)


def _require_runner(actor, task: SupervisionTask, *, issuing=False):
    if SupervisionTask.objects.visible_to(actor, "manage").filter(pk=task.pk).exists():
        return
    if _runs_own_task(actor, task):
        if issuing and not SupervisionSettings.current().inspectors_create_tasks:
            raise PermissionDenied(_("The work committee has not allowed inspectors to create supervision tasks."))
        return
    raise PermissionDenied(_("You may not do this for this record."))


@transaction.atomic
def create_task(
    *,
    actor,
    title,
    kind,
    deadline,
    targets,
    inspectors=(),
    basis="",
    requirements="",
    organization=None,
    source_finding=None,
    files=(),
) -> SupervisionTask:
    scope, as_inspector = creation_scope(actor)
    if scope is None:
        _refuse_creation(actor)
    if organization is None:
        organization = scope.order_by("depth", "path").first()
    if organization is None or not scope.filter(pk=organization.pk).exists():
        _refuse_creation(actor)
    targets = list(targets)
    if not targets:
        raise ValidationError(_("Pick at least one target organisation."))
    target_ids = {o.pk for o in targets}
    if scope.filter(pk__in=target_ids).count() != len(target_ids):
        raise PermissionDenied(_("Some target organisations are outside your scope."))
    inspectors = list(inspectors)
    if as_inspector:
        # The inspector runs the task they create; naming other inspectors stays with the committee.
        if any(u.pk != actor.pk for u in inspectors):
            raise PermissionDenied(_("Only work committee staff may assign other inspectors."))
        if source_finding is not None:
            raise PermissionDenied(_("Only work committee staff may create supervision tasks."))
        inspectors = [actor]
    if kind not in TaskKind.values:
        raise ValidationError(_("Unknown task kind."))
    task = SupervisionTask.objects.create(
        title=title,
        kind=kind,
        deadline=deadline,
        basis=basis,
        requirements=requirements,
        organization=organization,
        source_finding=source_finding,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    task.inspectors.set(list(inspectors))
    TaskTarget.objects.bulk_create([TaskTarget(task=task, organization=o) for o in targets])
    _attach(actor, files, task=task)
    audit.record(
        actor,
        "supervision.task_create",
        task,
        after={
            **snapshot(task),
            "targets": sorted(target_ids),
            "inspectors": sorted(u.pk for u in inspectors),
            "as_inspector": as_inspector,
        },
    )
    return task


@transaction.atomic
def issue_task(*, actor, task: SupervisionTask, now=None) -> SupervisionTask:
    task = SupervisionTask.objects.select_for_update().get(pk=task.pk)
    _require_runner(actor, task, issuing=True)
    if task.status != SupervisionTask.Status.DRAFT:
        raise ValidationError(_("Only a draft task can be issued."))
    before = snapshot(task)
    task.status = SupervisionTask.Status.ISSUED
    task.issued_at = _now(now)
    task.save(update_fields=["status", "issued_at"])
    audit.record(actor, "supervision.task_issue", task, before=before, after=snapshot(task))
    for target in task.targets.select_related("organization"):
        _notify(
            kind="supervision.task_issued",
            obj=target,
            recipients=responsible_user_ids(target.organization),
            title=_("New supervision task: %(title)s (due %(deadline)s)")
            % {"title": task.title, "deadline": task.deadline},
            url=reverse("supervision:target_detail", args=[target.pk]),
            organization_id=target.organization_id,
        )
    return task


@transaction.atomic
def close_task(*, actor, task: SupervisionTask) -> SupervisionTask:
    task = SupervisionTask.objects.select_for_update().get(pk=task.pk)
    _require_runner(actor, task)
    if task.status != SupervisionTask.Status.ISSUED:
        raise ValidationError(_("Only an issued task can be closed."))
    before = snapshot(task)
    task.status = SupervisionTask.Status.CLOSED
    task.save(update_fields=["status"])
    audit.record(actor, "supervision.task_close", task, before=before, after=snapshot(task))
    return task


@transaction.atomic
def acknowledge(*, actor, target: TaskTarget, now=None) -> TaskTarget:
    target = TaskTarget.objects.select_for_update().select_related("task").get(pk=target.pk)
    _require(TaskTarget.objects.visible_to(actor, "respond"), target)
    if target.task.status != SupervisionTask.Status.ISSUED:
        raise ValidationError(_("This task is not open."))
    if target.status != TaskTarget.Status.PENDING:
        raise ValidationError(_("This task has already been acknowledged."))
    before = snapshot(target)
    target.status = TaskTarget.Status.ACKNOWLEDGED
    target.acknowledged_at = _now(now)
    target.acknowledged_by = actor if getattr(actor, "pk", None) else None
    target.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    audit.record(actor, "supervision.target_acknowledge", target, before=before, after=snapshot(target))
    return target


@transaction.atomic
def submit_stage_report(
    *, actor, target: TaskTarget, stage: str, content: str, evidence="", files=(), now=None
) -> StageReport:
    target = TaskTarget.objects.select_for_update().select_related("task").get(pk=target.pk)
    _require(TaskTarget.objects.visible_to(actor, "respond"), target)
    if target.task.status != SupervisionTask.Status.ISSUED:
        raise ValidationError(_("This task is closed; no more reports can be submitted."))
    if target.status == TaskTarget.Status.PENDING:
        raise ValidationError(_("Acknowledge receipt of the task before reporting."))
    if stage not in target.task.stages:
        raise ValidationError(_("This task has no such stage."))
    if not (content or "").strip():
        raise ValidationError(_("Write the report."))
    if target.reports.filter(
        stage=stage, status__in=[StageReport.Status.SUBMITTED, StageReport.Status.ACCEPTED]
    ).exists():
        raise ValidationError(_("A report for this stage is already submitted or accepted."))
    report = StageReport.objects.create(
        target=target,
        stage=stage,
        content=content.strip(),
        evidence=(evidence or "").strip(),
        submitted_by=actor if getattr(actor, "pk", None) else None,
        submitted_at=_now(now),
    )
    _attach(actor, files, stage_report=report)
    audit.record(actor, "supervision.report_submit", report, after=snapshot(report), organization=target.organization)
    return report


@transaction.atomic
def review_stage_report(*, actor, report: StageReport, accept: bool, note="", now=None) -> StageReport:
    report = StageReport.objects.select_for_update().select_related("target__task").get(pk=report.pk)
    target = report.target
    _require(TaskTarget.objects.visible_to(actor, "inspect"), target)
    if report.status != StageReport.Status.SUBMITTED:
        raise ValidationError(_("This report has already been reviewed."))
    if not accept and not (note or "").strip():
        raise ValidationError(_("Say why the report is sent back."))
    before = snapshot(report)
    report.status = StageReport.Status.ACCEPTED if accept else StageReport.Status.RETURNED
    report.review_note = (note or "").strip()
    report.reviewed_by = actor if getattr(actor, "pk", None) else None
    report.reviewed_at = _now(now)
    report.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    audit.record(
        actor,
        "supervision.report_review",
        report,
        before=before,
        after=snapshot(report),
        organization=target.organization,
    )
    accepted = set(target.reports.filter(status=StageReport.Status.ACCEPTED).values_list("stage", flat=True))
    if accept and accepted >= set(target.task.stages):
        target_before = snapshot(target)
        target.status = TaskTarget.Status.COMPLETED
        target.save(update_fields=["status"])
        audit.record(actor, "supervision.target_complete", target, before=target_before, after=snapshot(target))
    return report
