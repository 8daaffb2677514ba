"""Half-year keys and reminder steps read as Chinese words, never as raw keys like ``2026-H2:1m`` (issue 18)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from supervision.campaigns.models import half_label

from .test_campaigns import named_entry

pytestmark = pytest.mark.django_db


def test_half_year_keys_read_as_words():
    with translation.override("zh-hans"):
        assert half_label("2026-H1") == "2026年上半年"
        assert half_label("2026-H2") == "2026年下半年"
    assert half_label("2026") == "2026"


def test_the_progress_reminder_says_the_half_year_and_its_step_in_words(world):
    from portal.notifications.engine import run_sweep
    from portal.notifications.models import Reminder
    from portal.notifications.services import _digest_body

    e = named_entry(world)
    at = timezone.make_aware(datetime.datetime(2026, 12, 10, 9))
    with translation.override("zh-hans"):
        run_sweep(at, run_inline=True)
        reminder = Reminder.objects.get(kind="campaigns.progress_due", object_id=e.pk)
        assert reminder.step == "2026-H2:1m"  # the key keeps one reminder per half-year
        assert "2026年下半年" in reminder.title and "H2" not in reminder.title
        assert reminder.step_label == "还剩1个月"
        body = _digest_body([reminder])
        assert "2026-H2" not in body and "还剩1个月" in body


def test_the_entry_page_shows_half_years_in_words(world, client_for):
    e = named_entry(world)  # progress filed for 2026-H1
    body = client_for(world.unit_admin).get(reverse("campaigns:entry_detail", args=[e.pk])).content.decode()
    assert "2026年上半年" in body and "2026-H1" not in body
