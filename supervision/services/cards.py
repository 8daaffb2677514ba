"""Yellow and red cards: the escalation sweep and revocation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.audit import snapshot
from branches.models import Organization

from ..calendar import WorkCalendar
from ..models import (
    Card,
    EscalationRule,
    Finding,
    Rectification,
    Severity,
)
from ..signals import card_issued

# ---------------------------------------------------------------- cards
from .clock import settle_clocks
from .common import _notify, _now, _require, responsible_user_ids
from .rectifications import (
    _clear_cards,
)


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
    card.organization = Organization.objects.select_related("unit").get(pk=organization_id)
    audit.record(audit.SYSTEM, "supervision.card_issue", card, after=snapshot(card))
    card_issued.send(sender=Card, card=card)
    _notify(
        kind=f"supervision.card_{card.colour}",
        obj=card,
        recipients=card_recipients(card),
        title=_("%(colour)s issued to %(org)s for “%(item)s”: %(rule)s")
        % {"colour": card.get_colour_display(), "org": card.organization.label, "item": card.item, "rule": rule.name},
        url=reverse("supervision:card_detail", args=[card.pk]),
        organization_id=organization_id,
    )
    return card


@transaction.atomic
def sweep_cards(*, now=None, calendar: WorkCalendar | None = None) -> dict:
    """Apply the escalation policy as of ``now``: issue what is due, clear what is fixed.

    Idempotent: each (rule, item) card is issued once (unique constraint), so a second
    sweep issues nothing.
    """
    now = _now(now)
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    cal = calendar or WorkCalendar()
    settle_clocks(today, cal)
    issued: list[Card] = []
    open_rects = Rectification.objects.open().select_related("owner_org__unit", "finding")
    # No card for a rectification while it waits on the inspector (Rectification.WAITING_ON): the
    # organisation cannot act, and its deadline clock is paused (services/clock.py).
    on_their_side = open_rects.exclude(status__in=Rectification.WAITING_ON_INSPECTOR)
    for rule in EscalationRule.objects.filter(is_active=True).order_by("colour", "pk")[:100]:
        if rule.condition == EscalationRule.Condition.OVERDUE:
            cutoff = cal.overdue_cutoff(today, max(rule.threshold, 1))
            candidates = on_their_side.filter(effective_deadline__lt=cutoff).exclude(cards__rule=rule)
            for rect in candidates:
                days = cal.working_days_between(rect.effective_deadline, today)
                reason = _("Rectification overdue by %(days)s working days: %(measures)s") % {
                    "days": days,
                    "measures": rect.measures[:60],
                }
                issued.append(_issue(rule, rect.owner_org_id, rectification=rect, reason=reason, now=now))
        elif rule.condition == EscalationRule.Condition.RECHECK_FAILED:
            for rect in on_their_side.filter(failed_rechecks__gt=0).exclude(cards__rule=rule):
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
            Card.objects.active()
            .filter(colour="yellow", rectification__in=on_their_side)
            .select_related("rectification", "organization__unit")
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
