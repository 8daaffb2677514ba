"""Reporting periods (month, quarter, year) in the portal's time zone."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "year"
    start: datetime.date  # first day
    end: datetime.date  # last day (inclusive)

    # Cached: computed once per period (frozen, so it never changes); the compliance matrix asks thousands of times.
    @cached_property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @cached_property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - datetime.timedelta(days=1))

    def next(self) -> Period:
        return period_containing(self.kind, self.end + datetime.timedelta(days=1))

    def same_last_year(self) -> Period:
        return period_containing(self.kind, self.start.replace(year=self.start.year - 1))

    def start_datetime(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    def end_datetime(self) -> datetime.datetime:
        """Exclusive end: midnight after the last day."""
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))


def period_containing(kind: str, day: datetime.date) -> Period:
    if kind == "month":
        start = day.replace(day=1)
        end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    elif kind == "quarter":
        first_month = (day.month - 1) // 3 * 3 + 1
        start = datetime.date(day.year, first_month, 1)
        end = (
            datetime.date(day.year + 1, 1, 1) if first_month == 10 else datetime.date(day.year, first_month + 3, 1)
        ) - datetime.timedelta(days=1)
    elif kind == "year":
        start, end = datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    else:
        raise ValueError(f"Unknown period kind {kind!r}")
    return Period(kind, start, end)


def parse(key: str) -> Period:
    """Inverse of ``Period.key``: ``2026-03``, ``2026-Q1``, ``2026``. Raises ValueError."""
    if "-Q" in key:
        year, quarter = key.split("-Q")
        return period_containing("quarter", datetime.date(int(year), (int(quarter) - 1) * 3 + 1, 1))
    if "-" in key:
        year, month = key.split("-")
        return period_containing("month", datetime.date(int(year), int(month), 1))
    return period_containing("year", datetime.date(int(key), 1, 1))


def today() -> datetime.date:
    return timezone.localdate()
