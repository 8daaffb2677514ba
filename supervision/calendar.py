"""Working days: Monday to Friday, minus public holidays, plus make-up working days (调休).

The exceptions live in ``CalendarDay`` (data, maintained per year in the admin). A
``WorkCalendar`` loads them once (a few dozen rows) and answers in memory.
"""

from __future__ import annotations

import datetime

from .models import CalendarDay

ONE_DAY = datetime.timedelta(days=1)


class WorkCalendar:
    def __init__(self, exceptions: dict[datetime.date, str] | None = None):
        if exceptions is None:
            exceptions = dict(CalendarDay.objects.values_list("date", "kind"))
        self.exceptions = exceptions

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self.exceptions.get(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        if kind == CalendarDay.Kind.WORKDAY:
            return True
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date ``days`` working days after ``start`` (before it when negative)."""
        step = ONE_DAY if days >= 0 else -ONE_DAY
        remaining = abs(days)
        day = start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in the half-open interval (start, end]; 0 when end <= start.

        ``working_days_between(deadline, today)`` is how many working days an item is overdue.
        """
        count = 0
        day = start + ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += ONE_DAY
        return count

    def overdue_cutoff(self, today: datetime.date, days: int) -> datetime.date:
        """Items due *before* the returned date are overdue by at least ``days`` working days on ``today``.

        That date is the ``days``-th most recent working day on or before ``today``, so a deadline
        filter (``deadline__lt=cutoff``) runs in SQL.
        """
        if days <= 0:
            return today + ONE_DAY
        day = today
        found = 0
        while True:
            if self.is_working_day(day):
                found += 1
                if found == days:
                    return day
            day -= ONE_DAY


def is_working_day(day: datetime.date) -> bool:
    return WorkCalendar().is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    return WorkCalendar().add_working_days(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return WorkCalendar().working_days_between(start, end)
