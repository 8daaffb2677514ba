import datetime

import pytest

from branches.models import CalendarDay
from supervision.calendar import WorkCalendar, add_working_days, is_working_day, working_days_between

D = datetime.date
pytestmark = pytest.mark.django_db


def test_a_rectification_due_the_friday_before_qingming_is_one_working_day_late_on_the_tuesday_after():
    # 清明 2026: Sat 4 April to Mon 6 April; Tuesday 7 April is the first working day after.
    assert working_days_between(D(2026, 4, 3), D(2026, 4, 7)) == 1


def test_due_before_national_day_checked_on_the_first_working_day_after_is_one_day_late_not_eight():
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1


def test_make_up_saturday_counts_as_a_working_day():
    assert is_working_day(D(2026, 10, 10))
    assert is_working_day(D(2026, 2, 14))
    assert not is_working_day(D(2026, 10, 5))
    assert not is_working_day(D(2026, 3, 7))


def test_adding_working_days_skips_the_spring_festival_and_uses_the_make_up_days():
    # Fri 13 Feb + 1 → Sat 14 Feb (make-up); + 2 → Tue 24 Feb after the holiday.
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 24), -2) == D(2026, 2, 13)


def test_nothing_is_overdue_on_or_before_the_deadline():
    assert working_days_between(D(2026, 4, 3), D(2026, 4, 3)) == 0
    assert working_days_between(D(2026, 4, 3), D(2026, 4, 6)) == 0


def test_overdue_cutoff_agrees_with_counting():
    cal = WorkCalendar()
    today = D(2026, 10, 9)
    for n in (1, 5):
        cutoff = cal.overdue_cutoff(today, n)
        for offset in range(30):
            deadline = today - datetime.timedelta(days=offset)
            assert (deadline < cutoff) == (cal.working_days_between(deadline, today) >= n)


def test_the_calendar_is_data_an_operator_can_change():
    CalendarDay.objects.create(date=D(2026, 3, 9), kind=CalendarDay.Kind.HOLIDAY, name="test")
    assert not is_working_day(D(2026, 3, 9))


def test_both_years_are_seeded():
    assert CalendarDay.objects.filter(date__year=2026, kind="holiday").count() == 33
    assert CalendarDay.objects.filter(date__year=2027).exists()
