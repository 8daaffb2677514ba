"""What each member owes and has paid, month by month: the one place that joins bases, reductions and
payments. Fixed number of queries for any set of members (given as a queryset, never a list of ids).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Sum

from branches.models import Member
from branches.models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES

from . import rules
from .models import DuesBase, DuesReduction, Payment, PaymentKind, ReductionKind, ReductionStatus

ZERO = Decimal("0.00")


def first_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    out, month = [], first_of(first)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


@dataclass
class MonthLine:
    month: datetime.date
    due: Decimal
    paid: Decimal
    exempt: bool = False

    @property
    def settled(self) -> bool:
        return self.paid >= self.due

    @property
    def owed(self) -> Decimal:
        return max(self.due - self.paid, ZERO)


def dues_members(members):
    """Members who owe dues: probationary and full members in an active status."""
    return members.filter(category__in=PARTY_MEMBER_CATEGORIES, status__in=ACTIVE_STATUSES)


def ledger(members, first: datetime.date, last: datetime.date, *, table=None) -> dict[int, list[MonthLine]]:
    """``{member.pk: [MonthLine, …]}`` for the months from ``first`` to ``last`` in which each member owes dues.

    A member owes from the month of admission (入党, probationary members included) and of the first recorded
    base on; members without any base are left out (``without_base`` lists them). ``members`` is a queryset.
    """
    months = months_between(first, last)
    if not months:
        return {}
    first, last = months[0], months[-1]
    people = list(dues_members(members).values_list("pk", "join_date"))
    member_ids = dues_members(members).values("pk")
    table = table if table is not None else rules.brackets()
    bases = defaultdict(list)
    for member_id, month, category, base in (
        DuesBase.objects.filter(member__in=member_ids, effective_month__lte=last)
        .order_by("member_id", "effective_month")
        .values_list("member_id", "effective_month", "category", "base")
    ):
        bases[member_id].append((month, category, base))
    reductions = defaultdict(list)
    for r in DuesReduction.objects.filter(
        member__in=member_ids, status=ReductionStatus.APPROVED, from_month__lte=last
    ).only("member_id", "kind", "amount", "from_month", "to_month"):
        reductions[r.member_id].append(r)
    paid = {
        (m, month): total
        for m, month, total in Payment.objects.filter(
            member__in=member_ids, kind=PaymentKind.REGULAR, month__gte=first, month__lte=last
        )
        .values("member_id", "month")
        .annotate(total=Sum("amount"))
        .values_list("member_id", "month", "total")
    }
    out = {}
    for member_id, join_date in people:
        own = bases.get(member_id)
        if not own:
            continue  # nothing recorded yet: the member is on the "no base" list, not in arrears
        # Owed from the admission month (probationary members too), as far as a base is recorded.
        start = max(first_of(join_date), own[0][0]) if join_date else own[0][0]
        lines = []
        # The base in force is the last entry effective on or before the month: walk the entries along the
        # months, working out each entry's monthly amount once (not once a month).
        at, in_force = 0, ZERO
        for month in months:
            if month < start:
                continue
            while at < len(own) and own[at][0] <= month:
                in_force = rules.monthly_amount(own[at][1], own[at][2], table)
                at += 1
            due, exempt = in_force, False
            for r in reductions.get(member_id, ()):
                if r.covers(month):
                    exempt = r.kind == ReductionKind.EXEMPT
                    due = ZERO if exempt else rules.money(r.amount or ZERO)
            lines.append(MonthLine(month, due, paid.get((member_id, month), ZERO), exempt))
        out[member_id] = lines
    return out


def member_ledger(member: Member, first: datetime.date, last: datetime.date) -> list[MonthLine]:
    return ledger(Member.objects.filter(pk=member.pk), first, last).get(member.pk, [])


def unpaid_run(lines: list[MonthLine]) -> int:
    """How many months in a row, ending with the last line, are not settled."""
    run = 0
    for line in reversed(lines):
        if line.settled:
            break
        run += 1
    return run


def without_base(members):
    """Dues-paying members with no base recorded yet: the secretary's to-do list."""
    return dues_members(members).exclude(Exists(DuesBase.objects.filter(member=OuterRef("pk"))))
