import pytest

from portal.models import Reminder
from portal.notifications.engine import run_sweep
from portal.notifications.summaries import LAGGARDS, WEEKLY
from tests.portal.notify_helpers import at, due, provider

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 9, 0)
TUESDAY = at(2026, 3, 3, 9, 0)


def branch_items(world):
    return [
        due(world.member, object_id=1, step="overdue", org=world.branch_a1),
        due(world.member, object_id=2, step="T-1", org=world.group_a1),
    ]


def test_the_secretary_gets_the_branch_laggards_in_the_digest(world):
    with provider(branch_items(world)):
        run_sweep(TUESDAY, run_inline=True)
    line = Reminder.objects.get(kind=LAGGARDS)
    assert line.recipient == world.secretary
    assert line.title == "本支部：1 人有 2 项待办事项，其中 1 项已逾期"
    assert line.notification.recipient == world.secretary


def test_the_sibling_branch_secretary_gets_no_laggard_line(world):
    with provider(branch_items(world)):
        run_sweep(TUESDAY, run_inline=True)
    assert not Reminder.objects.filter(kind=LAGGARDS, recipient=world.outsider).exists()


def test_the_laggard_line_is_sent_once_a_day(world):
    with provider(branch_items(world)):
        run_sweep(TUESDAY, run_inline=True)
        run_sweep(at(2026, 3, 3, 15, 0), run_inline=True)
    assert Reminder.objects.filter(kind=LAGGARDS).count() == 1


def test_unit_admins_get_a_weekly_summary_on_the_configured_day_only(world, settings):
    settings.NOTIFY_WEEKLY_DAY = 1
    with provider(branch_items(world)):
        run_sweep(TUESDAY, run_inline=True)
        assert not Reminder.objects.filter(kind=WEEKLY).exists()
        run_sweep(at(2026, 3, 9, 9, 0), run_inline=True)
        run_sweep(at(2026, 3, 9, 10, 0), run_inline=True)
    summaries = Reminder.objects.filter(kind=WEEKLY)
    assert sorted(summaries.values_list("recipient__username", flat=True)) == ["unit_admin"]
    assert summaries.get().step == "2026-W11"
