"""Payments and receipts: monthly dues, voluntary extra payments, the payroll list, reversing entries."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Member, Organization

from . import collection, imports
from .guard import actor_user, require
from .ledger import dues_members, first_of
from .models import DuesSettings, Payment, PaymentKind, PaymentMethod, ReceiptCounter, Statement


def branch_of(member: Member) -> Organization:
    """Dues are collected by the member's branch (a party group's members pay to their branch)."""
    org = member.organization
    if org.kind == "group" and org.parent_id:
        return org.parent
    return org


def next_receipt_numbers(organization: Organization, year: int, count: int = 1) -> list[str]:
    """Numbers per branch and year, without gaps: ``2026-00001``. The counter row is locked meanwhile."""
    ReceiptCounter.objects.get_or_create(organization=organization, year=year)
    counter = ReceiptCounter.objects.select_for_update().get(organization=organization, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{year}-{n:05d}" for n in range(first, first + count)]


def _check_open(organization: Organization, paid_on: datetime.date) -> None:
    if Statement.objects.filter(organization=organization, month=first_of(paid_on)).exists():
        raise ValidationError(
            _("The statement for %(month)s is already remitted; record the payment with a later date.")
            % {"month": f"{paid_on:%Y-%m}"}
        )


@transaction.atomic
def record_payment(
    *,
    actor,
    member: Member,
    month: datetime.date,
    amount: Decimal,
    method: str,
    paid_on: datetime.date,
    kind: str = PaymentKind.REGULAR,
    note: str = "",
) -> Payment:
    organization = branch_of(member)
    require(actor, organization)
    if not dues_members(Member.objects.filter(pk=member.pk)).exists():
        raise ValidationError(_("Only probationary and full members in the register pay party dues."))
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("Choose how it was paid.")})
    if kind not in PaymentKind.values:
        raise ValidationError({"kind": _("Choose monthly dues or a voluntary extra payment.")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    _check_open(organization, paid_on)
    (receipt,) = next_receipt_numbers(organization, paid_on.year)
    payment = Payment.objects.create(
        organization=organization,
        member=member,
        month=first_of(month),
        amount=Decimal(amount).quantize(Decimal("0.01")),
        kind=kind,
        method=method,
        paid_on=paid_on,
        receipt_no=receipt,
        to_centre=kind == PaymentKind.VOLUNTARY and amount >= DuesSettings.current().central_threshold,
        note=(note or "")[:200],
        created_by=actor_user(actor),
    )
    audit.record(actor, "dues.payment_recorded", payment, after=audit.snapshot(payment))
    return payment


@transaction.atomic
def reverse_payment(*, actor, payment: Payment, reason: str, on: datetime.date) -> Payment:
    """A correction: a new entry with the negative amount, pointing at the original (never an edit)."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    require(actor, payment.organization)
    if payment.reverses_id is not None:
        raise ValidationError(_("A reversing entry cannot itself be reversed; record a new payment instead."))
    if Payment.objects.filter(reverses=payment).exists():
        raise ValidationError(_("This payment has already been reversed."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the payment is reversed.")})
    _check_open(payment.organization, on)
    (receipt,) = next_receipt_numbers(payment.organization, on.year)
    reversal = Payment.objects.create(
        organization=payment.organization,
        member=payment.member,
        month=payment.month,
        amount=-payment.amount,
        kind=payment.kind,
        method=payment.method,
        paid_on=on,
        receipt_no=receipt,
        to_centre=payment.to_centre,
        reverses=payment,
        note=reason.strip()[:200],
        created_by=actor_user(actor),
    )
    audit.record(
        actor, "dues.payment_reversed", reversal, before=audit.snapshot(payment), after=audit.snapshot(reversal)
    )
    return reversal


# --- The payroll deduction list -------------------------------------------------------------


def dry_run_payroll(actor, organization: Organization, content: bytes) -> imports.DryRun:
    require(actor, organization)
    raw = imports.read_rows(content, imports.PAYROLL_COLUMNS)
    result = imports.DryRun(total=len(raw))
    matcher = imports.MemberMatcher(organization)
    seen: dict[tuple, int] = {}
    for number, values in raw:
        reasons = imports.check_required(values, imports.PAYROLL_COLUMNS)
        name = imports.text(values.get("name"))
        row = {}
        if name:
            member, problem = matcher.find(name, imports.text(values.get("id_number")))
            if problem:
                reasons.append(problem)
            row["member"] = member
        if imports.text(values.get("amount")):
            try:
                row["amount"] = imports.parse_money(values.get("amount"))
                if row["amount"] <= 0:
                    raise ValueError
            except ValueError:
                reasons.append(_("The amount must be more than zero, in yuan with at most two decimals."))
        if imports.text(values.get("month")):
            try:
                row["month"] = imports.parse_month(values.get("month"))
            except ValueError:
                reasons.append(_("The month must be written like 2026-01."))
        if row.get("member") and row.get("month"):
            key = (row["member"].pk, row["month"])
            if key in seen:
                reasons.append(_("This member and month repeat row %(row)s.") % {"row": seen[key]})
            seen.setdefault(key, number)
        if reasons:
            result.problems.append(imports.RowProblem(number, name, reasons))
        else:
            result.rows.append(row)
    return result


@transaction.atomic
def import_payroll(*, actor, organization: Organization, content: bytes, paid_on: datetime.date) -> list[Payment]:
    """Every row becomes a payroll-deduction payment with its own receipt number, all or nothing."""
    checked = dry_run_payroll(actor, organization, content)
    if not checked.ok:
        raise ValidationError(
            _("Nothing was imported: %(n)s rows have problems, first row %(row)s.")
            % {"n": len(checked.problems), "row": checked.problems[0].row if checked.problems else "-"}
        )
    by_branch: dict[int, list[dict]] = {}
    branches = {}
    for r in checked.rows:
        branch = branch_of(r["member"])
        branches[branch.pk] = branch
        by_branch.setdefault(branch.pk, []).append(r)
    rows = []
    for pk, items in by_branch.items():
        _check_open(branches[pk], paid_on)
        numbers = next_receipt_numbers(branches[pk], paid_on.year, len(items))
        for r, receipt in zip(items, numbers, strict=True):
            rows.append(
                Payment(
                    organization=branches[pk],
                    member=r["member"],
                    month=r["month"],
                    amount=r["amount"],
                    kind=PaymentKind.REGULAR,
                    method=PaymentMethod.PAYROLL,
                    paid_on=paid_on,
                    receipt_no=receipt,
                    note=_("Payroll deduction list"),
                    created_by=actor_user(actor),
                )
            )
    payments = Payment.objects.bulk_create(rows, batch_size=500)
    collection.changed()  # bulk_create sends no post_save
    for p in payments:
        audit.record(actor, "dues.payment_recorded", p, after=audit.snapshot(p))
    return payments
