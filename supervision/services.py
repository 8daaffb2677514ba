"""Every state change of supervision: tasks, reports, findings, rectifications, extensions, cards.

Each service is one transaction, takes a keyword-only ``actor``, checks the
state machine and the actor's scope, writes the audit record and queues
notifications after commit.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit, events
from branches.access import holders
from branches.audit import snapshot
from branches.models import Organization, OrganizationKind
from branches.roles import Role
from branches.uploads import store_upload

from .calendar import WorkCalendar
from .models import (
    Attachment,
    Card,
    DeadlineExtension,
    EscalationRule,
    Finding,
    FindingCategory,
    ProgressReport,
    Recheck,
    Rectification,
    Severity,
    StageReport,
    SupervisionTask,
    TaskKind,
    TaskTarget,
)
from .signals import card_issued


def _now(now=None):
    return now or timezone.now()


def _require(queryset, obj, message=None):
    """The object must be in the actor's queryset for this action, or the actor may not act."""
    if not queryset.filter(pk=obj.pk).exists():
        raise PermissionDenied(message or _("You may not do this for this record."))


def responsible_user_ids(organization: Organization) -> list[int]:
    """The organisation's secretary and the admins of the unit committee above it."""
    return sorted(holders([organization], [Role.SECRETARY, Role.UNIT_ADMIN])[organization.pk])


def _notify(*, kind, obj, recipients, title, url, organization_id=None, urgent=True):
    if not recipients:
        return
    transaction.on_commit(
        lambda: events.notify.send(
            sender=type(obj),
            kind=kind,
            obj=obj,
            recipients=list(recipients),
            title=title,
            url=url,
            urgent=urgent,
            organization_id=organization_id,
        )
    )


def _attach(actor, files, **parent):
    for uploaded in files or ():
        attachment = Attachment(**parent)
        store_upload(attachment, uploaded, kinds=("image", "document"), user=actor)
        attachment.save()


# ---------------------------------------------------------------- tasks


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
    managed = Organization.objects.visible_to(actor, "supervision.manage")
    if organization is None:
        organization = managed.order_by("depth", "path").first()
    if organization is None or not managed.filter(pk=organization.pk).exists():
        raise PermissionDenied(_("Only work committee staff may create supervision tasks."))
    targets = list(targets)
    if not targets:
        raise ValidationError(_("Pick at least one target organisation."))
    target_ids = {o.pk for o in targets}
    if managed.filter(pk__in=target_ids).count() != len(target_ids):
        raise PermissionDenied(_("Some target organisations are outside your scope."))
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
        after={**snapshot(task), "targets": sorted(target_ids), "inspectors": sorted(u.pk for u in inspectors)},
    )
    return task


@transaction.atomic
def issue_task(*, actor, task: SupervisionTask, now=None) -> SupervisionTask:
    task = SupervisionTask.objects.select_for_update().get(pk=task.pk)
    _require(SupervisionTask.objects.visible_to(actor, "manage"), task)
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
    _require(SupervisionTask.objects.visible_to(actor, "manage"), task)
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


# ---------------------------------------------------------------- findings


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


def has_inspect_scope(actor, finding: Finding) -> bool:
    return TaskTarget.objects.visible_to(actor, "inspect").filter(pk=finding.target_id).exists()


# ---------------------------------------------------------------- rectifications


@transaction.atomic
def _check_owner_person(person, organization: Organization) -> None:
    """A responsible person must be registered in the owner organisation's subtree."""
    if person is None:
        return
    from branches.models import Member

    if not Member.objects.filter(user=person, organization__path__startswith=organization.path).exists():
        raise ValidationError(_("The responsible person must belong to the owner organisation."))


def create_rectification(
    *, actor, finding: Finding, owner_org: Organization, measures: str, deadline, owner_person=None
) -> Rectification:
    if not has_inspect_scope(actor, finding):
        raise PermissionDenied(_("Only the task's inspectors may assign rectifications."))
    if not owner_org.is_descendant_of(finding.target.organization):
        raise ValidationError(_("The owner must be the target organisation or one under it."))
    _check_owner_person(owner_person, owner_org)
    if not (measures or "").strip():
        raise ValidationError(_("Describe the measures required."))
    rect = Rectification.objects.create(
        finding=finding,
        owner_org=owner_org,
        owner_person=owner_person,
        measures=measures.strip(),
        deadline=deadline,
        effective_deadline=deadline,
    )
    audit.record(actor, "supervision.rectification_create", rect, after=snapshot(rect))
    _notify(
        kind="supervision.rectification_assigned",
        obj=rect,
        recipients=sorted(set(responsible_user_ids(owner_org)) | ({owner_person.pk} if owner_person else set())),
        title=_("Rectification assigned: %(measures)s (due %(deadline)s)")
        % {"measures": rect.measures[:40], "deadline": deadline},
        url=reverse("supervision:rectification_detail", args=[rect.pk]),
        organization_id=owner_org.pk,
    )
    return rect


def _locked_rect(rect) -> Rectification:
    return Rectification.objects.select_for_update().get(pk=rect.pk)


def _require_owner(actor, rect):
    _require(Rectification.objects.visible_to(actor, "respond"), rect, _("Only the owner organisation may do this."))


def _require_inspector(actor, rect):
    _require(Rectification.objects.visible_to(actor, "inspect"), rect, _("Only the task's inspectors may do this."))


def _transition(actor, rect, action, **changes):
    before = snapshot(rect)
    for field, value in changes.items():
        setattr(rect, field, value)
    rect.save(update_fields=list(changes))
    audit.record(actor, action, rect, before=before, after=snapshot(rect))
    return rect


@transaction.atomic
def propose_plan(*, actor, rectification: Rectification, plan: str) -> Rectification:
    """The owner proposes (or changes) the plan; a change re-opens acceptance."""
    rect = _locked_rect(rectification)
    _require_owner(actor, rect)
    if rect.status in (Rectification.Status.RECHECK, Rectification.Status.CLOSED):
        raise ValidationError(_("The plan cannot change while the rectification is rechecked or closed."))
    if not (plan or "").strip():
        raise ValidationError(_("Write the plan."))
    return _transition(
        actor,
        rect,
        "supervision.rectification_plan",
        plan=plan.strip(),
        status=Rectification.Status.PLAN_PROPOSED,
        plan_accepted_at=None,
    )


@transaction.atomic
def accept_plan(*, actor, rectification: Rectification, now=None) -> Rectification:
    rect = _locked_rect(rectification)
    _require_inspector(actor, rect)
    if rect.status != Rectification.Status.PLAN_PROPOSED:
        raise ValidationError(_("There is no proposed plan to accept."))
    return _transition(
        actor,
        rect,
        "supervision.rectification_plan_accept",
        status=Rectification.Status.IN_PROGRESS,
        plan_accepted_at=_now(now),
    )


@transaction.atomic
def report_progress(
    *, actor, rectification: Rectification, content: str, evidence="", files=(), now=None
) -> ProgressReport:
    rect = _locked_rect(rectification)
    _require_owner(actor, rect)
    if rect.status == Rectification.Status.CLOSED:
        raise ValidationError(_("This rectification is closed; no more reports can be added."))
    if rect.status != Rectification.Status.IN_PROGRESS:
        raise ValidationError(_("Progress can be reported once the plan is accepted."))
    if not (content or "").strip():
        raise ValidationError(_("Describe the progress."))
    report = ProgressReport.objects.create(
        rectification=rect,
        content=content.strip(),
        evidence=(evidence or "").strip(),
        reported_by=actor if getattr(actor, "pk", None) else None,
        reported_at=_now(now),
    )
    _attach(actor, files, progress_report=report)
    audit.record(
        actor, "supervision.rectification_progress", report, after=snapshot(report), organization=rect.owner_org
    )
    return report


@transaction.atomic
def submit_for_recheck(*, actor, rectification: Rectification) -> Rectification:
    rect = _locked_rect(rectification)
    _require_owner(actor, rect)
    if rect.status != Rectification.Status.IN_PROGRESS:
        raise ValidationError(_("Only a rectification in progress can be submitted for recheck."))
    if not rect.progress_reports.exists():
        raise ValidationError(_("Report the progress (with evidence) before asking for a recheck."))
    return _transition(actor, rect, "supervision.rectification_submit", status=Rectification.Status.RECHECK)


@transaction.atomic
def recheck(*, actor, rectification: Rectification, passed: bool, method: str, notes="", now=None) -> Recheck:
    """复核: a pass closes (销号) the rectification and clears its cards; a fail sends it back."""
    rect = _locked_rect(rectification)
    _require_inspector(actor, rect)
    if rect.status != Rectification.Status.RECHECK:
        raise ValidationError(_("This rectification is not waiting for a recheck."))
    if not (method or "").strip():
        raise ValidationError(_("Say how the recheck was done."))
    if not passed and not (notes or "").strip():
        raise ValidationError(_("Say what is still wrong."))
    now = _now(now)
    record = Recheck.objects.create(
        rectification=rect,
        passed=passed,
        method=method.strip(),
        notes=(notes or "").strip(),
        checked_by=actor if getattr(actor, "pk", None) else None,
        checked_at=now,
    )
    audit.record(actor, "supervision.recheck", record, after=snapshot(record), organization=rect.owner_org)
    if passed:
        _transition(actor, rect, "supervision.rectification_close", status=Rectification.Status.CLOSED, closed_at=now)
        _clear_cards(Card.objects.filter(rectification=rect), now=now)
    else:
        _transition(
            actor,
            rect,
            "supervision.rectification_recheck_failed",
            status=Rectification.Status.IN_PROGRESS,
            failed_rechecks=rect.failed_rechecks + 1,
        )
    return record


# ---------------------------------------------------------------- extensions


@transaction.atomic
def request_extension(*, actor, rectification: Rectification, new_deadline, reason: str, now=None) -> DeadlineExtension:
    rect = _locked_rect(rectification)
    _require_owner(actor, rect)
    if rect.status == Rectification.Status.CLOSED:
        raise ValidationError(_("This rectification is closed."))
    if new_deadline is None or new_deadline <= rect.effective_deadline:
        raise ValidationError(
            _("The new deadline must be later than the current one (%(d)s).") % {"d": rect.effective_deadline}
        )
    if not (reason or "").strip():
        raise ValidationError(_("Give a reason for the extension."))
    if rect.extensions.filter(status=DeadlineExtension.Status.REQUESTED).exists():
        raise ValidationError(_("An extension request is already waiting for a decision."))
    ext = DeadlineExtension.objects.create(
        rectification=rect,
        requested_deadline=new_deadline,
        reason=reason.strip(),
        requested_by=actor if getattr(actor, "pk", None) else None,
        requested_at=_now(now),
    )
    audit.record(actor, "supervision.extension_request", ext, after=snapshot(ext), organization=rect.owner_org)
    return ext


@transaction.atomic
def decide_extension(*, actor, extension: DeadlineExtension, approve: bool, note="", now=None) -> DeadlineExtension:
    ext = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    rect = _locked_rect(ext.rectification)
    _require_inspector(actor, rect)
    if ext.status != DeadlineExtension.Status.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    before = snapshot(ext)
    ext.status = DeadlineExtension.Status.APPROVED if approve else DeadlineExtension.Status.REJECTED
    ext.decided_by = actor if getattr(actor, "pk", None) else None
    ext.decided_at = _now(now)
    ext.decision_note = (note or "").strip()
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        actor, "supervision.extension_decide", ext, before=before, after=snapshot(ext), organization=rect.owner_org
    )
    if approve and ext.requested_deadline > rect.effective_deadline:
        _transition(actor, rect, "supervision.rectification_deadline", effective_deadline=ext.requested_deadline)
    return ext


# ---------------------------------------------------------------- cards


def card_recipients(card: Card) -> list[int]:
    ids = set(responsible_user_ids(card.organization))
    if card.rectification_id and card.rectification.owner_person_id:
        ids.add(card.rectification.owner_person_id)
    return sorted(ids)


def _issue(
    rule: EscalationRule, organization_id: int, *, rectification=None, finding=None, reason: str, now
) -> Card | None:
    lookup = {"rectification": rectification} if rectification is not None else {"finding": finding}
    if Card.objects.filter(rule=rule, **lookup).exists():
        return None
    with transaction.atomic():
        card = Card.objects.create(
            rule=rule,
            colour=rule.colour,
            organization_id=organization_id,
            reason=reason[:300],
            issued_at=now,
            **lookup,
        )
    audit.record(audit.SYSTEM, "supervision.card_issue", card, after=snapshot(card))
    card_issued.send(sender=Card, card=card)
    _notify(
        kind=f"supervision.card_{card.colour}",
        obj=card,
        recipients=card_recipients(card),
        title=_("%(colour)s issued to %(org)s: %(reason)s")
        % {"colour": card.get_colour_display(), "org": card.organization.name, "reason": card.reason},
        url=reverse("supervision:card_list"),
        organization_id=organization_id,
    )
    return card


def _clear_cards(cards, *, now):
    for card in cards.filter(cleared_at__isnull=True, revoked_at__isnull=True):
        before = snapshot(card)
        card.cleared_at = now
        card.save(update_fields=["cleared_at"])
        audit.record(audit.SYSTEM, "supervision.card_clear", card, before=before, after=snapshot(card))


@transaction.atomic
def sweep_cards(*, now=None, calendar: WorkCalendar | None = None) -> dict:
    """Apply the escalation policy as of ``now``: issue what is due, clear what is fixed.

    Idempotent: each (rule, item) card is issued once (unique constraint), so a second
    sweep issues nothing.
    """
    now = _now(now)
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    cal = calendar or WorkCalendar()
    issued: list[Card] = []
    open_rects = Rectification.objects.open().select_related("owner_org", "finding")
    for rule in EscalationRule.objects.filter(is_active=True).order_by("colour", "pk")[:100]:
        if rule.condition == EscalationRule.Condition.OVERDUE:
            cutoff = cal.overdue_cutoff(today, max(rule.threshold, 1))
            candidates = open_rects.filter(effective_deadline__lt=cutoff).exclude(cards__rule=rule)
            for rect in candidates:
                days = cal.working_days_between(rect.effective_deadline, today)
                reason = _("Rectification overdue by %(days)s working days: %(measures)s") % {
                    "days": days,
                    "measures": rect.measures[:60],
                }
                issued.append(_issue(rule, rect.owner_org_id, rectification=rect, reason=reason, now=now))
        elif rule.condition == EscalationRule.Condition.RECHECK_FAILED:
            for rect in open_rects.filter(failed_rechecks__gt=0).exclude(cards__rule=rule):
                reason = _("Recheck failed: %(measures)s") % {"measures": rect.measures[:60]}
                issued.append(_issue(rule, rect.owner_org_id, rectification=rect, reason=reason, now=now))
        elif rule.condition == EscalationRule.Condition.SERIOUS_REPEAT:
            findings = (
                Finding.objects.filter(severity=Severity.SERIOUS, repeat_of__isnull=False)
                .filter(rectifications__status__in=Rectification.OPEN_STATUSES)
                .exclude(cards__rule=rule)
                .select_related("target")
                .distinct()
            )
            for finding in findings:
                reason = _("Serious finding repeated: %(description)s") % {"description": finding.description[:60]}
                issued.append(_issue(rule, finding.target.organization_id, finding=finding, reason=reason, now=now))
    # Red for yellows left standing: evaluated after this sweep's yellows, on cards issued earlier.
    for rule in EscalationRule.objects.filter(is_active=True, condition=EscalationRule.Condition.YELLOW_NOT_CLEARED):
        yellows = (
            Card.objects.active().filter(colour="yellow", rectification__isnull=False).select_related("rectification")
        )
        for yellow in yellows:
            if Card.objects.filter(rule=rule, rectification_id=yellow.rectification_id).exists():
                continue
            issued_day = (
                timezone.localdate(yellow.issued_at) if timezone.is_aware(yellow.issued_at) else yellow.issued_at.date()
            )
            if cal.working_days_between(issued_day, today) >= rule.threshold:
                reason = _("Yellow card not cleared within %(days)s working days: %(reason)s") % {
                    "days": rule.threshold,
                    "reason": yellow.reason[:60],
                }
                issued.append(
                    _issue(rule, yellow.organization_id, rectification=yellow.rectification, reason=reason, now=now)
                )
    # Clear what is fixed: overdue cards whose rectification is no longer overdue (approved extension).
    cleared = 0
    for card in (
        Card.objects.active()
        .filter(rule__condition=EscalationRule.Condition.OVERDUE, rectification__isnull=False)
        .select_related("rule", "rectification")
    ):
        rect = card.rectification
        if rect.status != Rectification.Status.CLOSED and cal.working_days_between(
            rect.effective_deadline, today
        ) < max(card.rule.threshold, 1):
            _clear_cards(Card.objects.filter(pk=card.pk), now=now)
            cleared += 1
    for card in Card.objects.active().filter(finding__isnull=False).select_related("finding"):
        if not card.finding.rectifications.filter(status__in=Rectification.OPEN_STATUSES).exists():
            _clear_cards(Card.objects.filter(pk=card.pk), now=now)
            cleared += 1
    issued = [c for c in issued if c is not None]
    return {"issued": len(issued), "cleared": cleared, "cards": issued}


@transaction.atomic
def revoke_card(*, actor, card: Card, reason: str, now=None) -> Card:
    card = Card.objects.select_for_update().get(pk=card.pk)
    _require(Card.objects.visible_to(actor, "manage"), card, _("Only work committee staff may revoke cards."))
    if card.revoked_at is not None:
        raise ValidationError(_("This card has already been revoked."))
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for revoking the card."))
    before = snapshot(card)
    card.revoked_at = _now(now)
    card.revoke_reason = reason.strip()
    card.save(update_fields=["revoked_at", "revoke_reason"])
    audit.record(actor, "supervision.card_revoke", card, before=before, after=snapshot(card))
    return card
