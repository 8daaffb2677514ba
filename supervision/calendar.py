"""The working-day calendar lives on the ground floor (``branches.calendar``) so the register and
supervision share one; this module keeps supervision's import path."""

from branches.calendar import (  # noqa: F401
    ONE_DAY,
    WorkCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)
