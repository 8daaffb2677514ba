"""Working days for receipt and submission deadlines.

The working-day calendar (holidays and make-up days) moves from ``supervision`` to ``branches``
(issue 16). This module calls it there when it exists; until then (a sibling app may not be imported)
it counts Monday to Friday.
"""

from __future__ import annotations

import datetime

try:  # pragma: no cover - depends on the calendar's move
    from branches.calendar import add_working_days as _add_working_days
except ImportError:  # pragma: no cover
    _add_working_days = None


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    if _add_working_days is not None:
        return _add_working_days(start, days)
    step = datetime.timedelta(days=1 if days >= 0 else -1)
    remaining, day = abs(days), start
    while remaining:
        day += step
        if day.weekday() < 5:
            remaining -= 1
    return day
