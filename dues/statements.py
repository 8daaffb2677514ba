"""Monthly statements for remittance (上缴): what a branch collected, handed over and still holds.

Every statement reconciles: closing = opening + collected − remitted (also a database constraint).
The opening balance is the previous statement's closing balance.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organization

from .guard import actor_user, require
from .ledger import ZERO, add_months, first_of
from .models import Payment, Statement, StatementStatus


@dataclass
class Draft:
    organization: Organization
    month: datetime.date
    opening: Decimal
    collected: Decimal
    to_centre: Decimal
    payments: list

    def closing_after(self, remitted: Decimal) -> Decimal:
        return self.opening + self.collected - remitted


def draft(organization: Organization, month: datetime.date) -> Draft:
    """The figures of ``month`` before it is remitted: payments by the day they were received."""
    month = first_of(month)
    previous = (
        Statement.objects.filter(organization=organization, month__lt=month).order_by("-month").only("closing").first()
    )
    payments = list(
        Payment.objects.filter(organization=organization, paid_on__gte=month, paid_on__lt=add_months(month, 1))
        .select_related("member")
        .only("id", "receipt_no", "amount", "kind", "method", "paid_on", "month", "to_centre", "member__name")
        .order_by("receipt_no")
    )
    sums = Payment.objects.filter(
        organization=organization, paid_on__gte=month, paid_on__lt=add_months(month, 1)
    ).aggregate(total=Sum("amount"), centre=Sum("amount", filter=Q(to_centre=True)))
    return Draft(
        organization,
        month,
        previous.closing if previous else ZERO,
        sums["total"] or ZERO,
        sums["centre"] or ZERO,
        payments,
    )


@transaction.atomic
def submit_statement(
    *, actor, organization: Organization, month: datetime.date, remitted: Decimal | None = None, today=None
) -> Statement:
    """Close ``month`` and record what was remitted (by default everything held). Final once submitted."""
    require(actor, organization)
    month = first_of(month)
    today = today or timezone.localdate()
    if month >= first_of(today):
        raise ValidationError(_("A month can be remitted once it has ended."))
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if Statement.objects.filter(organization=organization, month=month).exists():
        raise ValidationError(_("The statement for this month has already been submitted."))
    if Statement.objects.filter(organization=organization, month__gt=month).exists():
        raise ValidationError(_("A later month is already remitted; statements go month by month."))
    d = draft(organization, month)
    remitted = d.opening + d.collected if remitted is None else Decimal(remitted).quantize(Decimal("0.01"))
    if remitted < 0 or remitted > d.opening + d.collected:
        raise ValidationError({"remitted": _("The branch cannot remit more than it holds.")})
    if remitted < d.to_centre:
        raise ValidationError({"remitted": _("Voluntary payments for the centre must be remitted in full.")})
    statement = Statement.objects.create(
        organization=organization,
        month=month,
        opening=d.opening,
        collected=d.collected,
        to_centre=d.to_centre,
        remitted=remitted,
        closing=d.closing_after(remitted),
        submitted_by=actor_user(actor),
    )
    audit.record(actor, "dues.statement_submitted", statement, after=audit.snapshot(statement))
    return statement


@transaction.atomic
def record_receipt(*, actor, statement: Statement) -> Statement:
    """The upper committee confirms it received the remitted amount."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    require(actor, statement.organization, "dues.approve")
    if statement.status == StatementStatus.RECEIVED:
        raise ValidationError(_("The receipt of this remittance is already recorded."))
    before = audit.snapshot(statement)
    statement.status = StatementStatus.RECEIVED
    statement.received_by = actor_user(actor)
    statement.received_at = timezone.now()
    statement.save(update_fields=["status", "received_by", "received_at"])
    audit.record(actor, "dues.statement_received", statement, before=before, after=audit.snapshot(statement))
    return statement
