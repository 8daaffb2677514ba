"""Read the register's rule data (``RegisterRule``) and do date arithmetic with it."""

from __future__ import annotations

import calendar
import datetime

from .models import RegisterRule


def all_values() -> dict[str, int]:
    """Every rule as ``{code: value}`` in one query."""
    return dict(RegisterRule.objects.values_list("code", "value"))


def value(code: str) -> int:
    try:
        return RegisterRule.objects.values_list("value", flat=True).get(code=code)
    except RegisterRule.DoesNotExist:
        raise LookupError(f"Register rule {code!r} is missing; run the migrations") from None


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
