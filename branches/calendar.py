"""Working days: Monday to Friday, minus public holidays, plus make-up working days (调休).

The exceptions live in ``CalendarDay`` (data, loaded per year with ``manage.py load_holidays``
or in the admin). A ``WorkCalendar`` loads them once (a few dozen rows a year) and answers in
memory. A year without any holiday row is *not loaded*: its working-day deadlines are only a
Monday–Friday estimate, and every page that shows one says so (``missing_years``).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from .models import CalendarDay

ONE_DAY = datetime.timedelta(days=1)


class WorkCalendar:
    def __init__(self, exceptions: dict[datetime.date, str] | None = None):
        if exceptions is None:
            exceptions = dict(CalendarDay.objects.values_list("date", "kind"))
        self.exceptions = exceptions
        self.loaded_years = {d.year for d, kind in exceptions.items() if kind == CalendarDay.Kind.HOLIDAY}

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

    def period_end(self, first_day: datetime.date, working_days: int) -> datetime.date:
        """The last day of a period of ``working_days`` working days that begins on ``first_day``.

        The first day counts when it is a working day (a 公示 posted on Wednesday morning runs
        Wednesday, Thursday, Friday, …).
        """
        return self.add_working_days(first_day - ONE_DAY, working_days)

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

    def missing_years(self, *days: datetime.date | None) -> list[int]:
        """The years among ``days`` whose holiday data is not loaded (sorted, no repeats)."""
        return sorted({d.year for d in days if d is not None} - self.loaded_years)

    def warning(self, *days: datetime.date | None) -> str:
        """A sentence to show beside working-day deadlines in a year without holiday data, or ''."""
        years = self.missing_years(*days)
        if not years:
            return ""
        return _(
            "The holiday calendar for %(years)s is not loaded: working days are counted Monday to Friday "
            "only. Ask the administrator to load it (manage.py load_holidays)."
        ) % {"years": "、".join(str(y) for y in years)}


def is_working_day(day: datetime.date) -> bool:
    return WorkCalendar().is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    return WorkCalendar().add_working_days(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return WorkCalendar().working_days_between(start, end)
