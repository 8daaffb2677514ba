"""Holiday data of the working-day calendar, and loading a year of it.

2026 follows the State Council's published schedule (国办发明电〔2025〕7号). The 2027 rows are the
best available estimate (``confirmed=False``): operators check them against the official notice
each year (``manage.py load_holidays``, or the admin) and correct them.
"""

from __future__ import annotations

import datetime

D = datetime.date
HOLIDAYS = [
    # (first day, last day, name, confirmed)
    (D(2026, 1, 1), D(2026, 1, 3), "元旦", True),
    (D(2026, 2, 15), D(2026, 2, 23), "春节", True),
    (D(2026, 4, 4), D(2026, 4, 6), "清明节", True),
    (D(2026, 5, 1), D(2026, 5, 5), "劳动节", True),
    (D(2026, 6, 19), D(2026, 6, 21), "端午节", True),
    (D(2026, 9, 25), D(2026, 9, 27), "中秋节", True),
    (D(2026, 10, 1), D(2026, 10, 7), "国庆节", True),
    (D(2027, 1, 1), D(2027, 1, 3), "元旦", False),
    (D(2027, 2, 5), D(2027, 2, 13), "春节", False),
    (D(2027, 4, 3), D(2027, 4, 5), "清明节", False),
    (D(2027, 5, 1), D(2027, 5, 5), "劳动节", False),
    (D(2027, 6, 9), D(2027, 6, 9), "端午节", False),
    (D(2027, 9, 15), D(2027, 9, 15), "中秋节", False),
    (D(2027, 10, 1), D(2027, 10, 7), "国庆节", False),
]
WORKDAYS = [
    (D(2026, 1, 4), "元旦调休", True),
    (D(2026, 2, 14), "春节调休", True),
    (D(2026, 2, 28), "春节调休", True),
    (D(2026, 5, 9), "劳动节调休", True),
    (D(2026, 9, 20), "国庆节调休", True),
    (D(2026, 10, 10), "国庆节调休", True),
    (D(2027, 2, 20), "春节调休", False),
    (D(2027, 5, 8), "劳动节调休", False),
    (D(2027, 9, 26), "国庆节调休", False),
    (D(2027, 10, 9), "国庆节调休", False),
]


def span(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def builtin_rows() -> list[tuple[datetime.date, str, str, bool]]:
    """``(date, kind, name, confirmed)`` for every built-in exception day."""
    rows = [(day, "holiday", name, ok) for start, end, name, ok in HOLIDAYS for day in span(start, end)]
    rows += [(day, "workday", name, ok) for day, name, ok in WORKDAYS]
    return rows


def seed(model) -> None:
    """Insert the built-in rows that are missing (never overwrites an operator's correction)."""
    model.objects.bulk_create(
        [model(date=d, kind=k, name=n, confirmed=ok) for d, k, n, ok in builtin_rows()], ignore_conflicts=True
    )


def parse_lines(lines) -> list[tuple[datetime.date, str, str]]:
    """Read ``YYYY-MM-DD[~YYYY-MM-DD],holiday|workday,name`` lines (``#`` comments, blanks skipped).

    Raises ``ValueError`` naming the line that cannot be read.
    """
    rows = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if len(parts) < 2 or parts[1] not in ("holiday", "workday", "休", "班"):
            raise ValueError(f"line {number}: expected 'date,holiday|workday,name', got {line!r}")
        kind = {"休": "holiday", "班": "workday"}.get(parts[1], parts[1])
        name = parts[2] if len(parts) > 2 else ""
        try:
            if "~" in parts[0]:
                first, last = (datetime.date.fromisoformat(x.strip()) for x in parts[0].split("~"))
                days = list(span(first, last))
            else:
                days = [datetime.date.fromisoformat(parts[0])]
        except ValueError:
            raise ValueError(f"line {number}: {parts[0]!r} is not a date (YYYY-MM-DD)") from None
        rows += [(day, kind, name) for day in days]
    return rows
