"""Services of the party-affairs register: terms and committees, development, transfers.

Same rules as ``services.py``: one transaction each, keyword-only ``actor``,
invariants raise ``ValidationError`` / ``PermissionDenied`` with translated
messages, every change is audited, and each one appends to the member's history
(``MemberEvent``) instead of overwriting it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit, elections, rules
from ..development import (  # noqa: F401  (the pipeline's old import path)
    STEP_CATEGORY,
    STEP_NEEDS,
    NextStep,
    next_steps,
    pipeline,
    probation_end,
    record_step,
)
from ..history import add_event
from ..models import (
    CommitteePosition,
    CommitteeSeat,
    EventKind,
    Member,
    MemberCategory,
    Organization,
    OrganizationKind,
    Term,
    TermChange,
    Transfer,
    TransferScope,
    TransferStatus,
)
from ..models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES
from ..services import _require

TERM_FIELDS = [
    "organization",
    "number",
    "start",
    "end",
    "election_date",
    "expected_voters",
    "present_voters",
    "change",
    "approval_authority",
    "approval_reference",
    "approval_date",
    "note",
]
SEAT_FIELDS = ["term", "member", "position", "votes", "start", "end"]
TRANSFER_FIELDS = [
    "member",
    "from_org",
    "to_org",
    "scope",
    "letter_number",
    "issued_on",
    "expires_on",
    "status",
    "reason",
    "decision_reason",
]


# --- Terms and committees ---------------------------------------------------------


def default_term_years(kind: str) -> int:
    code = f"term.{kind}.years"
    values = rules.all_values()
    return values.get(code, values.get("term.branch.years", 3))


def _sync_org_term(org: Organization) -> None:
    """Keep ``Organization.term_start/term_end`` in step with its latest term."""
    latest = Term.objects.filter(organization=org).order_by("-start", "-number").first()
    start, end = (latest.start, latest.end) if latest else (None, None)
    Organization.objects.filter(pk=org.pk).update(term_start=start, term_end=end)
    org.term_start, org.term_end = start, end


@transaction.atomic
def record_term(
    *,
    actor,
    organization: Organization,
    start: datetime.date,
    end: datetime.date | None = None,
    election_date: datetime.date | None = None,
    expected_voters: int | None = None,
    present_voters: int | None = None,
    change: str = TermChange.REGULAR,
    approval_authority: str = "",
    approval_reference: str = "",
    approval_date: datetime.date | None = None,
    note: str = "",
) -> Term:
    """Record a new term (届) with its election record. Early or late elections need their approval."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    _require(actor, "member.change", org)
    if org.kind == OrganizationKind.GROUP:
        raise ValidationError(_("A party group has no committee terms."))
    values = rules.all_values()
    if end is None:
        end = rules.add_months(start, 12 * default_term_years(org.kind))
    if end <= start:
        raise ValidationError({"end": _("The term must end after it starts.")})
    problem = elections.meeting_problem(expected_voters, present_voters)
    if problem:
        raise ValidationError({"present_voters": problem})
    previous = Term.objects.filter(organization=org).order_by("-start").first()
    if previous and start < previous.start:
        raise ValidationError({"start": _("A new term cannot start before the previous one.")})
    problems = elections.schedule_problems(
        change=change,
        start=start,
        regular_start=previous.end if previous else None,
        approval_authority=approval_authority,
        approval_reference=approval_reference,
        approval_date=approval_date,
        values=values,
    )
    if problems:
        raise ValidationError(problems)
    number = (previous.number + 1) if previous else 1
    term = Term(
        organization=org,
        number=number,
        start=start,
        end=end,
        election_date=election_date,
        expected_voters=expected_voters,
        present_voters=present_voters,
        change=change,
        approval_authority=approval_authority,
        approval_reference=approval_reference,
        approval_date=approval_date,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    term.full_clean()
    term.save()
    if previous:
        # The previous committee leaves office when the new term starts.
        for seat in CommitteeSeat.objects.filter(term=previous, end__isnull=True).select_related("member", "position"):
            _end_seat(actor, seat, start)
    _sync_org_term(org)
    audit.record(actor, "term.create", term, after=audit.snapshot(term, TERM_FIELDS))
    return term


def _end_seat(actor, seat: CommitteeSeat, end: datetime.date) -> None:
    before = audit.snapshot(seat, SEAT_FIELDS)
    seat.end = end
    seat.save(update_fields=["end"])
    add_event(
        seat.member, EventKind.POSITION_END, date=end, detail=f"{seat.term.organization} {seat.position}", actor=actor
    )
    audit.record(actor, "seat.end", seat, before=before, after=audit.snapshot(seat, SEAT_FIELDS))


@transaction.atomic
def add_seat(
    *,
    actor,
    term: Term,
    member: Member,
    position: CommitteePosition,
    start: datetime.date | None = None,
    votes: int | None = None,
) -> CommitteeSeat:
    term = Term.objects.select_related("organization").get(pk=term.pk)
    _require(actor, "member.change", term.organization)
    if not member.organization.path.startswith(term.organization.path):
        raise ValidationError({"member": _("The committee member must belong to this organisation.")})
    problem = elections.voting_right_problem(member)
    if problem:
        raise ValidationError({"member": problem})
    start = start or term.start
    if position.is_secretary and CommitteeSeat.objects.filter(term=term, position=position, end__isnull=True).exists():
        raise ValidationError({"position": _("This committee already has a secretary; end that seat first.")})
    if CommitteeSeat.objects.filter(term=term, member=member, position=position, end__isnull=True).exists():
        raise ValidationError({"member": _("This person already holds this position.")})
    problem = elections.elected_problem(votes, term.present_voters)
    if problem:
        raise ValidationError({"votes": problem})
    seat = CommitteeSeat.objects.create(term=term, member=member, position=position, start=start, votes=votes)
    add_event(member, EventKind.POSITION_START, date=start, detail=f"{term.organization} {position}", actor=actor)
    audit.record(actor, "seat.create", seat, after=audit.snapshot(seat, SEAT_FIELDS))
    return seat


@transaction.atomic
def end_seat(*, actor, seat: CommitteeSeat, end: datetime.date | None = None) -> CommitteeSeat:
    seat = CommitteeSeat.objects.select_related("term__organization", "member", "position").get(pk=seat.pk)
    _require(actor, "member.change", seat.term.organization)
    if seat.end is not None:
        raise ValidationError(_("This seat has already ended."))
    end = end or timezone.localdate()
    if end < seat.start:
        raise ValidationError({"end": _("A seat cannot end before it started.")})
    _end_seat(actor, seat, end)
    return seat


def current_term(org: Organization) -> Term | None:
    return Term.objects.filter(organization=org).order_by("-start").first()


# --- Structural warnings -----------------------------------------------------------


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


def structure_warnings_many(orgs) -> dict[int, list[Warning]]:
    """Warnings where the regulation speaks, for many branches in two queries (+1 for rules)."""
    orgs = [o for o in orgs if o.kind == OrganizationKind.BRANCH]
    if not orgs:
        return {}
    values = rules.all_values()
    min_full = values.get("structure.branch.min_full_members", 3)
    committee_at = values.get("structure.branch.committee_at_full_members", 7)
    max_members = values.get("structure.branch.max_members", 50)
    ids = [o.pk for o in orgs]
    # Grouped on the members themselves: the (organisation, category, status) index answers it without the
    # table (joined from the organisations, PostgreSQL read every member of the city for a page of 55 branches).
    counts = {
        row["organization_id"]: row
        for row in Member.objects.filter(organization_id__in=ids, status__in=ACTIVE_STATUSES)
        .order_by()
        .values("organization_id")
        .annotate(
            # Counted on a column of that index (never null here): COUNT(id) would read the table.
            full=Count("organization_id", filter=Q(category=MemberCategory.FULL)),
            party=Count("organization_id", filter=Q(category__in=PARTY_MEMBER_CATEGORIES)),
        )
    }
    with_committee = set(
        CommitteeSeat.objects.filter(term__organization_id__in=ids, end__isnull=True)
        .values_list("term__organization_id", flat=True)
        .distinct()
    )
    result = {}
    for org in orgs:
        row = counts.get(org.pk, {"full": 0, "party": 0})
        found = []
        if row["full"] < min_full:
            found.append(
                Warning(
                    "too_few_full",
                    _("Only %(n)s full members: a branch needs at least %(min)s.")
                    % {"n": row["full"], "min": min_full},
                )
            )
        if row["full"] >= committee_at and org.pk not in with_committee:
            found.append(
                Warning(
                    "no_committee",
                    _("%(n)s full members but no branch committee recorded (required from %(min)s).")
                    % {"n": row["full"], "min": committee_at},
                )
            )
        if row["party"] > max_members:
            found.append(
                Warning(
                    "too_large",
                    _("%(n)s members: a branch should generally not exceed %(max)s; consider splitting it.")
                    % {"n": row["party"], "max": max_members},
                )
            )
        result[org.pk] = found
    return result


# --- Transfers ---------------------------------------------------------------------


@transaction.atomic
def issue_transfer(
    *,
    actor,
    member: Member,
    to_org: Organization,
    scope: str = TransferScope.IN_PROVINCE,
    reason: str = "",
    letter_number: str = "",
    issued_on: datetime.date | None = None,
) -> Transfer:
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    _require(actor, "member.change", member.organization)
    if not Organization.objects.visible_to(actor, "org.view").filter(pk=member.organization_id).exists():
        raise PermissionDenied(_("You may not transfer this person."))
    if to_org.kind == OrganizationKind.GROUP:
        raise ValidationError({"to_org": _("Choose a branch or committee, not a party group.")})
    if to_org.pk == member.organization_id:
        raise ValidationError({"to_org": _("The person already belongs to this organisation.")})
    if not member.is_party_member:
        raise ValidationError({"member": _("Only party members (full or probationary) transfer their relationship.")})
    if Transfer.objects.filter(member=member, status=TransferStatus.ISSUED).exists():
        raise ValidationError({"member": _("A transfer letter for this person is still open.")})
    if scope not in TransferScope.values:
        raise ValidationError({"scope": _("Unknown transfer scope.")})
    issued_on = issued_on or timezone.localdate()
    code = f"transfer.validity.{scope}_months"
    expires_on = rules.add_months(issued_on, rules.value(code))
    transfer = Transfer.objects.create(
        member=member,
        from_org=member.organization,
        to_org=to_org,
        scope=scope,
        reason=reason,
        letter_number=letter_number,
        issued_on=issued_on,
        expires_on=expires_on,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    add_event(member, EventKind.TRANSFER_OUT, date=issued_on, detail=f"{member.organization} → {to_org}", actor=actor)
    audit.record(actor, "transfer.issue", transfer, after=audit.snapshot(transfer, TRANSFER_FIELDS))
    return transfer


def _decide(actor, transfer: Transfer, today) -> Transfer:
    transfer = Transfer.objects.select_for_update().select_related("member", "from_org", "to_org").get(pk=transfer.pk)
    if actor is not audit.SYSTEM and not Transfer.objects.incoming_for(actor).filter(pk=transfer.pk).exists():
        raise PermissionDenied(_("Only the receiving organisation can decide on this letter."))
    if transfer.status != TransferStatus.ISSUED:
        raise ValidationError(
            _("This letter has already been dealt with (%(status)s).") % {"status": transfer.get_status_display()}
        )
    if transfer.expires_on < today:
        raise ValidationError(
            _("This letter expired on %(date)s; the sender must issue a new one.") % {"date": transfer.expires_on}
        )
    return transfer


@transaction.atomic
def accept_transfer(*, actor, transfer: Transfer, today: datetime.date | None = None) -> Transfer:
    today = today or timezone.localdate()
    transfer = _decide(actor, transfer, today)
    before = audit.snapshot(transfer, TRANSFER_FIELDS)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    member_before = audit.snapshot(member, ["organization", "party_group", "unit"])
    member.organization = transfer.to_org
    member.party_group = None
    member.unit = transfer.to_org.unit or member.unit
    member.save(update_fields=["organization", "party_group", "unit", "updated_at"])
    audit.record(
        actor,
        "member.transfer",
        member,
        before=member_before,
        after=audit.snapshot(member, ["organization", "party_group", "unit"]),
    )
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_by = actor if getattr(actor, "pk", None) else None
    transfer.decided_at = timezone.now()
    transfer.save()
    add_event(
        member,
        EventKind.TRANSFER_IN,
        date=today,
        detail=f"{transfer.from_org} → {transfer.to_org}",
        organization=transfer.to_org,
        actor=actor,
    )
    audit.record(actor, "transfer.accept", transfer, before=before, after=audit.snapshot(transfer, TRANSFER_FIELDS))
    return transfer


@transaction.atomic
def reject_transfer(*, actor, transfer: Transfer, reason: str, today: datetime.date | None = None) -> Transfer:
    today = today or timezone.localdate()
    if not (reason or "").strip():
        raise ValidationError({"decision_reason": _("Give the reason for rejecting the letter.")})
    transfer = _decide(actor, transfer, today)
    before = audit.snapshot(transfer, TRANSFER_FIELDS)
    transfer.status = TransferStatus.REJECTED
    transfer.decision_reason = reason.strip()
    transfer.decided_by = actor if getattr(actor, "pk", None) else None
    transfer.decided_at = timezone.now()
    transfer.save()
    add_event(
        transfer.member,
        EventKind.TRANSFER_REJECTED,
        date=today,
        detail=f"{transfer.to_org}: {transfer.decision_reason}",
        organization=transfer.from_org,
        actor=actor,
    )
    audit.record(actor, "transfer.reject", transfer, before=before, after=audit.snapshot(transfer, TRANSFER_FIELDS))
    return transfer


@transaction.atomic
def expire_transfers(*, actor=audit.SYSTEM, today: datetime.date | None = None) -> int:
    """Mark open letters past their validity as expired (safe to rerun)."""
    today = today or timezone.localdate()
    count = 0
    for transfer in (
        Transfer.objects.select_for_update()
        .filter(status=TransferStatus.ISSUED, expires_on__lt=today)
        .select_related("member", "to_org", "from_org")
    ):
        before = audit.snapshot(transfer, TRANSFER_FIELDS)
        transfer.status = TransferStatus.EXPIRED
        transfer.save(update_fields=["status"])
        add_event(
            transfer.member,
            EventKind.TRANSFER_EXPIRED,
            date=today,
            detail=str(transfer.to_org),
            organization=transfer.from_org,
            actor=actor,
        )
        audit.record(actor, "transfer.expire", transfer, before=before, after=audit.snapshot(transfer, TRANSFER_FIELDS))
        count += 1
    return count
