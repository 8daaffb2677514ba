"""Findings and the self-inspection tasks they spawn."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit
from branches.audit import snapshot
from branches.models import Organization, OrganizationKind

from ..calendar import WorkCalendar
from ..models import (
    Finding,
    FindingCategory,
    Severity,
    SupervisionTask,
    TaskKind,
    TaskTarget,
)

# ---------------------------------------------------------------- findings
from .common import _now, _require, has_inspect_scope
from .rectifications import (
    _check_owner_person,
    create_rectification,
)


def repeat_candidate(target: TaskTarget, category: FindingCategory) -> Finding | None:
    """An earlier finding (from another task) for the same organisation and category."""
    return (
        Finding.objects.filter(target__organization_id=target.organization_id, category=category)
        .exclude(target__task_id=target.task_id)
        .order_by("-recorded_at", "-pk")
        .first()
    )


@transaction.atomic
def record_finding(
    *,
    actor,
    target: TaskTarget,
    category: FindingCategory,
    severity: str,
    description: str,
    evidence="",
    rectification_deadline: datetime.date,
    measures="",
    owner_person=None,
    systemic_scope: Organization | None = None,
    now=None,
) -> Finding:
    """Record a finding and its first rectification; a systemic one spawns self-inspection tasks."""
    target = TaskTarget.objects.select_related("task", "organization").get(pk=target.pk)
    _require(
        TaskTarget.objects.visible_to(actor, "inspect"), target, _("Only the task's inspectors may record findings.")
    )
    if target.task.status == SupervisionTask.Status.DRAFT:
        raise ValidationError(_("The task has not been issued yet."))
    if severity not in Severity.values:
        raise ValidationError(_("Unknown severity."))
    if not (description or "").strip():
        raise ValidationError(_("Describe the problem."))
    _check_owner_person(owner_person, target.organization)
    now = _now(now)
    if rectification_deadline is None or rectification_deadline < now.date():
        raise ValidationError(_("The rectification deadline must not be in the past."))
    finding = Finding.objects.create(
        target=target,
        category=category,
        severity=severity,
        description=description.strip(),
        evidence=(evidence or "").strip(),
        systemic=systemic_scope is not None,
        repeat_of=repeat_candidate(target, category),
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=now,
    )
    audit.record(actor, "supervision.finding_record", finding, after=snapshot(finding))
    create_rectification(
        actor=actor,
        finding=finding,
        owner_org=target.organization,
        owner_person=owner_person,
        measures=(measures or "").strip() or finding.description,
        deadline=rectification_deadline,
    )
    if systemic_scope is not None:
        spawn_self_inspection(actor=actor, finding=finding, scope=systemic_scope, now=now)
    return finding


@transaction.atomic
def spawn_self_inspection(*, actor, finding: Finding, scope: Organization, now=None) -> SupervisionTask:
    """举一反三: a self-inspection task for every branch in ``scope`` (the scope must be the actor's)."""
    managed = Organization.objects.visible_to(actor, "supervision.manage")
    inspectable = managed.exists() or has_inspect_scope(actor, finding)
    if not inspectable:
        raise PermissionDenied(_("You may not start self-inspections."))
    targets = list(
        Organization.objects.subtree_of(scope).filter(
            kind__in=[OrganizationKind.BRANCH, OrganizationKind.GENERAL_BRANCH]
        )
    ) or [scope]
    now = _now(now)
    cal = WorkCalendar()
    task = SupervisionTask.objects.create(
        title=_("Self-inspection: %(category)s — %(description)s")
        % {"category": finding.category.name, "description": finding.description[:40]},
        kind=TaskKind.SELF_INSPECTION,
        organization=finding.target.task.organization,
        requirements=finding.description,
        deadline=cal.add_working_days(now.date(), 20),
        status=SupervisionTask.Status.ISSUED,
        issued_at=now,
        source_finding=finding,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    task.inspectors.set(list(finding.target.task.inspectors.all()))
    TaskTarget.objects.bulk_create([TaskTarget(task=task, organization=o) for o in targets])
    audit.record(
        actor,
        "supervision.task_spawn_self_inspection",
        task,
        after={**snapshot(task), "targets": [o.pk for o in targets]},
    )
    return task
