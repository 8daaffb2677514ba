"""Rectifications: plan, progress, recheck, closure and deadline extensions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from branches import audit
from branches.audit import snapshot
from branches.models import Organization

from ..models import (
    Card,
    DeadlineExtension,
    Finding,
    ProgressReport,
    Recheck,
    Rectification,
)

# ---------------------------------------------------------------- rectifications
from .clock import clock_changes, local_day
from .common import _attach, _notify, _now, _require, has_inspect_scope, responsible_user_ids


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


def _transition(actor, rect, action, now=None, **changes):
    """Save ``changes`` with one audit record; a status change also moves the paused clock (services/clock.py)."""
    if "status" in changes and changes["status"] != rect.status:
        changes = {**changes, **clock_changes(rect, changes["status"], local_day(_now(now)))}
    before = snapshot(rect)
    for field, value in changes.items():
        setattr(rect, field, value)
    rect.save(update_fields=list(changes))
    audit.record(actor, action, rect, before=before, after=snapshot(rect))
    return rect


@transaction.atomic
def propose_plan(*, actor, rectification: Rectification, plan: str, now=None) -> Rectification:
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
        now=now,
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
        now=now,
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
def submit_for_recheck(*, actor, rectification: Rectification, now=None) -> Rectification:
    rect = _locked_rect(rectification)
    _require_owner(actor, rect)
    if rect.status != Rectification.Status.IN_PROGRESS:
        raise ValidationError(_("Only a rectification in progress can be submitted for recheck."))
    if not rect.progress_reports.exists():
        raise ValidationError(_("Report the progress (with evidence) before asking for a recheck."))
    return _transition(actor, rect, "supervision.rectification_submit", now=now, status=Rectification.Status.RECHECK)


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
        _transition(
            actor, rect, "supervision.rectification_close", now=now, status=Rectification.Status.CLOSED, closed_at=now
        )
        _clear_cards(Card.objects.filter(rectification=rect), now=now)
    else:
        _transition(
            actor,
            rect,
            "supervision.rectification_recheck_failed",
            now=now,
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


def _clear_cards(cards, *, now):
    for card in cards.filter(cleared_at__isnull=True, revoked_at__isnull=True):
        before = snapshot(card)
        card.cleared_at = now
        card.save(update_fields=["cleared_at"])
        audit.record(audit.SYSTEM, "supervision.card_clear", card, before=before, after=snapshot(card))
