"""The study-hours ledger: targets, hours in a year, reversals, and members' claims with their review."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Member

from ..models import (
    ClaimEvidence,
    ClaimStatus,
    HoursClaim,
    HoursEntry,
    HoursSource,
    StudyPolicy,
)
from .common import LEADER_ROLES, _now, _require, member_of
from .progress import _credit


def leaders_q(today: datetime.date | None = None) -> Q:
    """Members who lead: a current seat in the 班子 (书记, 组织委员 …: ``CommitteeSeat``) or a leader role grant.

    The seat is what the register records of the member's actual position; the grant covers staff and
    secretaries whose seat is not (yet) recorded. One ``Member`` filter, usable in any query.
    """
    today = today or timezone.localdate()
    seat = Q(seats__start__lte=today) & (Q(seats__end__isnull=True) | Q(seats__end__gte=today))
    grant = Q(user__isnull=False, user__grants__role__in=LEADER_ROLES)
    return seat | grant


def is_leader(member: Member, today: datetime.date | None = None) -> bool:
    return Member.objects.filter(pk=member.pk).filter(leaders_q(today)).exists()


def target_hours(member: Member, policy: StudyPolicy | None = None, today: datetime.date | None = None) -> Decimal:
    """The member's annual study-hours target: the leaders' (56 h) for a 班子 seat or a leader role, else 32 h."""
    policy = policy or StudyPolicy.current()
    return policy.leader_annual_target_hours if is_leader(member, today) else policy.annual_target_hours


def hours_in_year(member: Member, year: int) -> Decimal:
    total = HoursEntry.objects.filter(member=member, year=year).aggregate(s=Sum("hours"))["s"]
    return total or Decimal("0")


@transaction.atomic
def reverse_entry(*, actor, entry: HoursEntry, reason: str, now=None) -> HoursEntry:
    now = _now(now)
    _require(actor, "study.manage", entry.member.organization)
    if entry.hours <= 0 or HoursEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry cannot be reversed (already reversed or itself a reversal)."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the hours are reversed.")})
    rev = HoursEntry.objects.create(
        member_id=entry.member_id,
        hours=-entry.hours,
        year=entry.year,
        source=HoursSource.REVERSAL,
        reverses=entry,
        rule=f"reversal: {reason.strip()}"[:200],
        credit_key=f"reversal:{entry.pk}",
        created_at=now,
    )
    audit.record(actor, "study.hours_reversed", rev, before=audit.snapshot(entry), after=audit.snapshot(rev))
    return rev


@transaction.atomic
def submit_claim(*, actor, title: str, hours, year: int, evidence=None) -> HoursClaim:
    member = member_of(actor)
    if member is None:
        raise PermissionDenied(_("Only a member in the register can claim study hours."))
    try:
        hours = Decimal(str(hours))
    except ArithmeticError:
        raise ValidationError({"hours": _("Enter the hours as a number.")}) from None
    if hours <= 0 or hours > 100:
        raise ValidationError({"hours": _("Claim between 0.1 and 100 hours.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Say what you studied.")})
    if evidence is None:
        raise ValidationError({"evidence": _("Attach a certificate or other evidence.")})
    claim = HoursClaim.objects.create(member=member, title=title.strip(), hours=hours, year=year)
    from branches.uploads import store_upload

    att = store_upload(ClaimEvidence(claim=claim), evidence, kinds=("image", "document"), user=actor)
    att.save()
    audit.record(actor, "study.claim_submitted", claim, after=audit.snapshot(claim))
    return claim


@transaction.atomic
def review_claim(*, actor, claim: HoursClaim, approve: bool, note: str = "", now=None) -> HoursClaim:
    now = _now(now)
    claim = HoursClaim.objects.select_for_update().select_related("member__organization").get(pk=claim.pk)
    _require(actor, "study.review", claim.member.organization)
    if claim.member.user_id and claim.member.user_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot review your own claim."))
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError(_("This claim has already been reviewed."))
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("Say why the claim is rejected.")})
    before = audit.snapshot(claim)
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    claim.reviewed_by = actor if getattr(actor, "pk", None) else None
    claim.reviewed_at = now
    claim.review_note = (note or "").strip()
    claim.save()
    if approve:
        _credit(
            member_id=claim.member_id,
            hours=claim.hours,
            year=claim.year,
            source=HoursSource.CLAIM,
            rule=f"claim approved: {claim.title}"[:200],
            key=f"claim:{claim.pk}",
            now=now,
            claim=claim,
        )
    audit.record(actor, "study.claim_reviewed", claim, before=before, after=audit.snapshot(claim))
    return claim
