"""A year of party dues: bases, monthly payments with a few in arrears, statements of the demo branch."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from branches import audit
from branches.bulk import insert_rows
from branches.models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES

from . import rules, statements
from .ledger import add_months, first_of
from .models import DuesBase, DuesCategory, Payment, PaymentKind, PaymentMethod, ReceiptCounter


def seed(ctx) -> None:
    rng = ctx.rng
    data = ctx.data
    now = timezone.now()
    today = timezone.localdate()
    last = add_months(first_of(today), -1)
    first = add_months(last, -11)
    table = rules.brackets()
    demo_branch = data["demo_branch"]
    people = [m for m in data["members"] if m.category in PARTY_MEMBER_CATEGORIES and m.status in ACTIVE_STATUSES]
    in_demo = [m for m in people if m.organization_id == demo_branch.pk]
    # Two members of the demo branch fall behind: one for 3 months, one for 7 (an Article 9 case).
    behind = {in_demo[-1].pk: 3, in_demo[-2].pk: 7} if len(in_demo) > 4 else {}
    bases, payments = [], []
    counters: dict[tuple[int, int], int] = defaultdict(int)
    for m in people:
        roll = rng.random()
        category = (
            DuesCategory.RETIRED if roll < 0.08 else DuesCategory.STUDENT if roll < 0.1 else DuesCategory.IN_SERVICE
        )
        base = Decimal(rng.randrange(280000, 1600000)) / 100 if category != DuesCategory.STUDENT else Decimal("0")
        start = first_of(m.join_date) if m.join_date and m.join_date > first else first
        bases.append((m.pk, category, base, first, "", now))
        amount = rules.monthly_amount(category, base, table)
        skip_from = add_months(last, -(behind[m.pk] - 1)) if m.pk in behind else None
        payroll = rng.random() < 0.6
        month = start
        while month <= last:
            unpaid = (skip_from and month >= skip_from) or (m.pk not in behind and rng.random() < 0.03)
            if not unpaid:
                paid_on = month.replace(day=rng.randrange(5, 26))
                counters[(m.organization_id, paid_on.year)] += 1
                receipt = f"{paid_on.year}-{counters[(m.organization_id, paid_on.year)]:05d}"
                method = PaymentMethod.PAYROLL if payroll else rng.choice([PaymentMethod.CASH, PaymentMethod.TRANSFER])
                payments.append(
                    (
                        m.organization_id,
                        m.pk,
                        month,
                        amount,
                        PaymentKind.REGULAR,
                        method,
                        paid_on,
                        receipt,
                        False,
                        "",
                        now,
                    )
                )
            month = add_months(month, 1)
    # One voluntary gift large enough to go entirely to the centre.
    if len(in_demo) > 2:
        gift_on = last.replace(day=20)
        counters[(demo_branch.pk, gift_on.year)] += 1
        receipt = f"{gift_on.year}-{counters[(demo_branch.pk, gift_on.year)]:05d}"
        payments.append(
            (
                demo_branch.pk,
                in_demo[2].pk,
                last,
                Decimal("1000.00"),
                PaymentKind.VOLUNTARY,
                PaymentMethod.TRANSFER,
                gift_on,
                receipt,
                True,
                "自愿多交党费",
                now,
            )
        )
    insert_rows(DuesBase, ["member_id", "category", "base", "effective_month", "note", "created_at"], bases)
    insert_rows(
        Payment,
        [
            "organization_id",
            "member_id",
            "month",
            "amount",
            "kind",
            "method",
            "paid_on",
            "receipt_no",
            "to_centre",
            "note",
            "created_at",
        ],
        payments,
    )
    insert_rows(ReceiptCounter, ["organization_id", "year", "last"], [(o, y, n) for (o, y), n in counters.items()])
    # The demo branch remitted every month but the last two; the unit recorded receipt of all but the latest.
    month, done = first, []
    while month < add_months(last, -1):
        done.append(statements.submit_statement(actor=audit.SYSTEM, organization=demo_branch, month=month, today=today))
        month = add_months(month, 1)
    for s in done[:-1]:
        statements.record_receipt(actor=audit.SYSTEM, statement=s)
    ctx.log(f"  dues: {len(bases)} bases, {len(payments)} payments, {len(done)} statements of the demo branch")
