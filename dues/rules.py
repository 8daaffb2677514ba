"""The dues brackets and the one function that turns a base into a monthly amount.

Defaults follow 中组部《关于中国共产党党费收缴、使用和管理的规定》(2008): in-service members pay on the
after-tax fixed salary — ≤ 3000 元 0.5%, 3000–5000 1%, 5000–10000 1.5%, > 10000 2%; retirees ≤ 5000
0.5%, above 1%; students, the unemployed and members on the minimum living allowance 0.20 元 a month.
They are data: ``DuesRule`` rows replace them per category.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .models import DuesCategory, DuesRule

CENT = Decimal("0.01")
D = Decimal

# category -> [(up_to inclusive or None, rate percent or None, fixed amount or None)]
DEFAULT_BRACKETS = {
    DuesCategory.IN_SERVICE: [
        (D("3000.00"), D("0.5"), None),
        (D("5000.00"), D("1.0"), None),
        (D("10000.00"), D("1.5"), None),
        (None, D("2.0"), None),
    ],
    DuesCategory.RETIRED: [(D("5000.00"), D("0.5"), None), (None, D("1.0"), None)],
    DuesCategory.STUDENT: [(None, None, D("0.20"))],
    DuesCategory.UNEMPLOYED: [(None, None, D("0.20"))],
    DuesCategory.LOW_INCOME: [(None, None, D("0.20"))],
}


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def brackets() -> dict[str, list[tuple]]:
    """The rule data: rows from ``DuesRule`` where a category has any, else the defaults (one query)."""
    table: dict[str, list[tuple]] = {}
    for r in DuesRule.objects.all():
        table.setdefault(r.category, []).append((r.up_to, r.rate_percent, r.fixed_amount))
    out = {}
    for category in DuesCategory.values:
        rows = table.get(category) or DEFAULT_BRACKETS[category]
        out[category] = sorted(rows, key=lambda row: (row[0] is None, row[0] or 0))
    return out


def monthly_amount(category: str, base, table: dict | None = None) -> Decimal:
    """The monthly dues for ``base`` in ``category``: the whole base at the rate of its bracket, 2 places."""
    table = table if table is not None else brackets()
    base = money(base)
    for up_to, rate, fixed in table[category]:
        if up_to is None or base <= up_to:
            if fixed is not None:
                return money(fixed)
            return money(base * rate / 100)
    raise ValueError(f"No bracket covers {base} in {category}")
