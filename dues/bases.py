"""Dues bases (from an effective month on) and approved reductions: services and the bases import."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from branches import audit
from branches.models import Member, Organization

from . import imports
from .guard import actor_user, require
from .ledger import dues_members, first_of
from .models import DuesBase, DuesCategory, DuesReduction, ReductionKind, ReductionStatus


def _check_member(member: Member) -> None:
    if not dues_members(Member.objects.filter(pk=member.pk)).exists():
        raise ValidationError(_("Only probationary and full members in the register pay party dues."))


def _upsert_base(actor, member, category, base, month, note="") -> DuesBase:
    existing = DuesBase.objects.filter(member=member, effective_month=month).first()
    before = audit.snapshot(existing)
    if existing:
        existing.category, existing.base, existing.note = category, base, note
        existing.save(update_fields=["category", "base", "note"])
        row = existing
    else:
        row = DuesBase.objects.create(
            member=member, category=category, base=base, effective_month=month, note=note, created_by=actor_user(actor)
        )
    audit.record(actor, "dues.base_set", row, before=before, after=audit.snapshot(row))
    return row


@transaction.atomic
def record_base(
    *, actor, member: Member, category: str, base: Decimal, effective_month: datetime.date, note: str = ""
) -> DuesBase:
    """The member's base from ``effective_month`` on (a later row takes over from its own month)."""
    require(actor, member.organization)
    _check_member(member)
    if category not in DuesCategory.values:
        raise ValidationError({"category": pgettext("dues", "Choose a category from the list.")})
    if base is None or base < 0:
        raise ValidationError({"base": _("The base must be zero or more.")})
    return _upsert_base(
        actor, member, category, Decimal(base).quantize(Decimal("0.01")), first_of(effective_month), note
    )


# --- Import ---------------------------------------------------------------------------


def dry_run_bases(actor, organization: Organization, content: bytes) -> imports.DryRun:
    """Check every row of a bases file for ``organization``'s subtree; never writes."""
    require(actor, organization)
    raw = imports.read_rows(content, imports.BASE_COLUMNS)
    result = imports.DryRun(total=len(raw))
    matcher = imports.MemberMatcher(organization)
    seen: dict[tuple, int] = {}
    for number, values in raw:
        reasons = imports.check_required(values, imports.BASE_COLUMNS)
        name = imports.text(values.get("name"))
        row = {}
        if name:
            member, problem = matcher.find(name, imports.text(values.get("id_number")))
            if problem:
                reasons.append(problem)
            row["member"] = member
        category_text = imports.text(values.get("category"))
        if category_text:
            row["category"] = imports.CATEGORY_NAMES.get(category_text)
            if row["category"] is None:
                reasons.append(_("Unknown category “%(value)s”.") % {"value": category_text})
        if imports.text(values.get("base")):
            try:
                row["base"] = imports.parse_money(values.get("base"))
            except ValueError:
                reasons.append(_("The base must be an amount in yuan with at most two decimals, e.g. 5200.50."))
        if imports.text(values.get("month")):
            try:
                row["month"] = imports.parse_month(values.get("month"))
            except ValueError:
                reasons.append(_("The month must be written like 2026-01."))
        key = (getattr(row.get("member"), "pk", None), row.get("month"))
        if row.get("member") and row.get("month"):
            if key in seen:
                reasons.append(_("This member and month repeat row %(row)s.") % {"row": seen[key]})
            else:
                seen[key] = number
        if reasons:
            result.problems.append(imports.RowProblem(number, name, reasons))
        else:
            result.rows.append(row)
    return result


@transaction.atomic
def import_bases(*, actor, organization: Organization, content: bytes) -> list[DuesBase]:
    """All or nothing: check again and save every row in this transaction."""
    checked = dry_run_bases(actor, organization, content)
    if not checked.ok:
        raise ValidationError(
            _("Nothing was imported: %(n)s rows have problems, first row %(row)s.")
            % {"n": len(checked.problems), "row": checked.problems[0].row if checked.problems else "-"}
        )
    return [_upsert_base(actor, r["member"], r["category"], r["base"], r["month"], _("Imported")) for r in checked.rows]


# --- Reductions and exemptions -----------------------------------------------------------


@transaction.atomic
def propose_reduction(
    *,
    actor,
    member: Member,
    kind: str,
    from_month: datetime.date,
    to_month: datetime.date | None,
    reason: str,
    branch_decision: str,
    amount: Decimal | None = None,
) -> DuesReduction:
    """The branch's decision to reduce or exempt; it applies once the upper committee approves."""
    require(actor, member.organization)
    _check_member(member)
    if kind not in ReductionKind.values:
        raise ValidationError({"kind": _("Choose reduction or exemption.")})
    if kind == ReductionKind.REDUCE and (amount is None or amount < 0):
        raise ValidationError({"amount": _("Give the reduced monthly amount.")})
    if to_month and first_of(to_month) < first_of(from_month):
        raise ValidationError({"to_month": _("The last month is before the first.")})
    if not (reason or "").strip() or not (branch_decision or "").strip():
        raise ValidationError(_("Give the reason and the branch's decision (meeting and date)."))
    reduction = DuesReduction.objects.create(
        member=member,
        kind=kind,
        amount=amount if kind == ReductionKind.REDUCE else None,
        from_month=first_of(from_month),
        to_month=first_of(to_month) if to_month else None,
        reason=reason.strip()[:300],
        branch_decision=branch_decision.strip()[:200],
    )
    audit.record(actor, "dues.reduction_proposed", reduction, after=audit.snapshot(reduction))
    return reduction


@transaction.atomic
def decide_reduction(*, actor, reduction: DuesReduction, approve: bool) -> DuesReduction:
    """The upper committee approves or rejects; decided reductions are final (a new proposal replaces one)."""
    reduction = DuesReduction.objects.select_for_update().get(pk=reduction.pk)
    organization = reduction.member.organization
    require(actor, organization, "dues.approve")
    if reduction.status != ReductionStatus.PROPOSED:
        raise ValidationError(_("This reduction has already been decided."))
    before = audit.snapshot(reduction)
    reduction.status = ReductionStatus.APPROVED if approve else ReductionStatus.REJECTED
    reduction.decided_by = actor_user(actor)
    reduction.decided_at = timezone.now()
    reduction.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(actor, "dues.reduction_decided", reduction, before=before, after=audit.snapshot(reduction))
    return reduction
