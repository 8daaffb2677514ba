import datetime

import pytest
from django.utils import timezone

from supervision import reminders
from supervision.accountability import services

from .helpers import TODAY, open_round, taps

pytestmark = pytest.mark.django_db


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def test_report_deadline_reminds_the_secretary_until_filed(world):
    rnd = open_round(world, include_branches=True)
    a1 = rnd.reporters.get(organization=world.branch_a1)
    items = [
        d for d in reminders.due(_at(TODAY - datetime.timedelta(days=2))) if d.kind == "accountability.report_deadline"
    ]
    assert any(d.object_id == a1.pk and d.recipient_id == world.secretary.pk and d.step == "T-3" for d in items)
    late = [d for d in reminders.due(_at(TODAY + datetime.timedelta(days=1))) if d.object_id == a1.pk]
    assert any(d.step == "overdue" for d in late)
    services.file_report(actor=world.secretary, reporter=a1, report="正文", now=_at(TODAY))
    assert not [
        d
        for d in reminders.due(_at(TODAY + datetime.timedelta(days=1)))
        if d.kind == "accountability.report_deadline" and d.object_id == a1.pk
    ]


def test_rating_window_reminds_raters_who_have_not_rated_everyone(world):
    rnd = open_round(world)
    seats = list(rnd.raters.all())
    for r in rnd.reporters.all():
        services.rate(actor=seats[0].user, reporter=r, taps=taps(rnd, "好"), now=_at(TODAY))
    due = [d for d in reminders.due(_at(TODAY)) if d.kind == "accountability.rating_window"]
    assert {d.recipient_id for d in due} == {s.user_id for s in seats[1:]}
    assert {d.step for d in due} == {"on_issue"}
    last = [d for d in reminders.due(_at(rnd.rating_ends)) if d.kind == "accountability.rating_window"]
    assert {d.step for d in last} == {"T-1"}


def test_the_engine_stores_each_step_on_the_day_it_is_reached(world):
    """``due_at`` is when a step is reached: a T-3 before the deadline is sent then, not on the deadline."""
    from portal.notifications.engine import run_sweep
    from portal.notifications.models import Reminder

    rnd = open_round(world, include_branches=True)
    a1 = rnd.reporters.get(organization=world.branch_a1)
    run_sweep(_at(TODAY - datetime.timedelta(days=3)), run_inline=True)
    stored = Reminder.objects.filter(kind="accountability.report_deadline", object_id=a1.pk)
    assert list(stored.values_list("step", flat=True)) == ["T-3"]
    seats = Reminder.objects.filter(kind="accountability.rating_window", step="on_issue")
    run_sweep(_at(TODAY), run_inline=True)
    assert seats.count() == rnd.raters.count()
    run_sweep(_at(TODAY + datetime.timedelta(days=1)), run_inline=True)
    assert Reminder.objects.filter(kind="accountability.rating_window", step="T-1").count() == rnd.raters.count()


def test_campaign_progress_and_recheck_reminders_reach_the_engine_before_the_deadline(world):
    from portal.notifications.engine import run_sweep
    from portal.notifications.models import Reminder

    from .test_campaigns import named_entry

    e = named_entry(world)  # re-check due 2027-03-01
    run_sweep(timezone.make_aware(datetime.datetime(2026, 12, 2, 9)), run_inline=True)
    assert Reminder.objects.filter(kind="campaigns.progress_due", object_id=e.pk, step="2026-H2:1m").exists()
    run_sweep(timezone.make_aware(datetime.datetime(2027, 2, 23, 9)), run_inline=True)
    assert Reminder.objects.filter(kind="campaigns.recheck_due", object_id=e.pk, step="T-7").exists()
