import pytest
from django.core.management import call_command

from branches.models import AuditEntry
from portal.models import Delivery, Notification, NotificationPreference, Reminder
from portal.notifications.engine import run_sweep
from portal.notifications.services import build_notifications
from portal.services import last
from tests.portal.notify_helpers import at, due, provider

pytestmark = pytest.mark.django_db

MORNING = at(2026, 3, 2, 9, 0)  # after the default digest hour (8), outside quiet hours (22-7)


def test_a_sweep_records_each_due_item_once_and_builds_one_digest(world):
    items = [due(world.member, object_id=1), due(world.member, object_id=2), due(world.secretary, object_id=1)]
    with provider(items):
        result = run_sweep(MORNING, run_inline=True)
    assert result.created == 3
    assert Reminder.objects.count() == 3
    digests = Notification.objects.filter(kind="digest")
    assert sorted(digests.values_list("recipient__username", flat=True)) == ["member", "secretary"]
    member_digest = digests.get(recipient=world.member)
    assert member_digest.reminders.count() == 2
    assert "请完成事项 1" in member_digest.body and "请完成事项 2" in member_digest.body


def test_a_second_sweep_at_the_same_time_creates_and_sends_nothing(world):
    with provider([due(world.member)]):
        run_sweep(MORNING, run_inline=True)
        again = run_sweep(MORNING, run_inline=True)
    assert again.created == 0 and again.notifications == 0 and again.sent == 0
    assert Notification.objects.count() == 1


def test_the_same_item_at_a_later_step_is_reminded_again(world):
    with provider([due(world.member, step="T-3")]):
        run_sweep(MORNING, run_inline=True)
    with provider([due(world.member, step="T-3"), due(world.member, step="T-1")]):
        result = run_sweep(at(2026, 3, 3, 9, 0), run_inline=True)
    assert result.created == 1
    latest = Notification.objects.filter(recipient=world.member).order_by("-digest_day").first()
    assert [r.step for r in latest.reminders.all()] == ["T-1"]


def test_a_missed_day_catches_up_on_the_next_sweep(world):
    """Nothing ran on 3 March: the sweep on the 4th still reminds what fell due on the 2nd and 3rd."""
    items = [due(world.member, object_id=1, when=at(2026, 3, 2)), due(world.member, object_id=2, when=at(2026, 3, 3))]
    with provider(items):
        run_sweep(at(2026, 3, 4, 9, 0), run_inline=True)
    digest = Notification.objects.get(recipient=world.member)
    assert digest.reminders.count() == 2


def test_items_not_yet_due_are_left_for_later(world):
    with provider([due(world.member, when=at(2026, 3, 10))]):
        result = run_sweep(MORNING, run_inline=True)
    assert result.created == 0 and not Notification.objects.exists()


def test_nobody_gets_an_empty_digest(world):
    with provider([]):
        run_sweep(MORNING, run_inline=True)
    assert not Notification.objects.exists()


def test_a_person_gets_at_most_one_digest_a_day(world):
    with provider([due(world.member, object_id=1)]):
        run_sweep(MORNING, run_inline=True)
    with provider([due(world.member, object_id=1), due(world.member, object_id=2)]):
        run_sweep(at(2026, 3, 2, 15, 0), run_inline=True)
    assert Notification.objects.filter(recipient=world.member).count() == 1
    with provider([due(world.member, object_id=2)]):
        run_sweep(at(2026, 3, 3, 9, 0), run_inline=True)
    assert Notification.objects.filter(recipient=world.member).count() == 2


def test_the_digest_waits_for_the_persons_digest_hour(world):
    NotificationPreference.objects.create(user=world.member, digest_hour=17)
    with provider([due(world.member)]):
        run_sweep(MORNING, run_inline=True)
        assert not Notification.objects.exists()
        run_sweep(at(2026, 3, 2, 17, 15), run_inline=True)
    assert Notification.objects.filter(recipient=world.member, kind="digest").count() == 1


def test_no_digest_is_built_in_quiet_hours(world):
    NotificationPreference.objects.create(user=world.member, digest_hour=0, quiet_start=22, quiet_end=7)
    with provider([due(world.member)]):
        run_sweep(at(2026, 3, 2, 23, 0), run_inline=True)
        assert not Notification.objects.exists()
        run_sweep(at(2026, 3, 3, 7, 0), run_inline=True)
    assert Notification.objects.count() == 1


def test_urgent_items_go_out_at_once_even_before_the_digest_hour(world):
    # Issued and marked urgent (a red card): at once. Deadline steps marked urgent fold into the digest
    # instead (tests/portal/test_email_and_flood.py).
    red_card = due(world.member, urgent=True, kind="supervision.red_card", step="on_issue")
    with provider([red_card, due(world.member, object_id=9)]):
        run_sweep(at(2026, 3, 2, 6, 0), run_inline=True)
    notices = Notification.objects.filter(recipient=world.member)
    assert [(n.kind, n.urgent) for n in notices] == [("supervision.red_card", True)]


def test_a_failing_provider_does_not_stop_the_others(world):
    def broken(now):
        raise RuntimeError("boom")

    with provider(broken), provider([due(world.member)]):
        result = run_sweep(MORNING, run_inline=True)
    assert result.created == 1 and len(result.failed_providers) == 1


def test_items_for_unknown_or_inactive_people_are_dropped(world):
    world.member.is_active = False
    world.member.save()
    with provider([due(world.member), due(world.secretary)]):
        result = run_sweep(MORNING, run_inline=True)
    assert result.created == 1


def test_the_sweep_is_marked_for_healthz_and_audited(world):
    with provider([due(world.member)]):
        run_sweep(MORNING, run_inline=True)
    assert last("reminder_sweep") is not None
    assert AuditEntry.objects.filter(action="reminders.recorded", actor__isnull=True).exists()
    assert AuditEntry.objects.filter(action="notifications.built").exists()


def test_digest_building_twice_for_the_same_people_adds_nothing(world):
    with provider([due(world.member)]):
        run_sweep(MORNING, fan_out=False)
    first = build_notifications([world.member.pk], now=MORNING, enqueue=False)
    second = build_notifications([world.member.pk], now=MORNING, enqueue=False)
    assert len(first) == 1 and second == []


def test_email_deliveries_are_made_for_people_with_an_address(world):
    world.member.email = "member@example.org"
    world.member.save()
    with provider([due(world.member), due(world.secretary)]):
        run_sweep(MORNING, fan_out=False)
    build_notifications([world.member.pk, world.secretary.pk], now=MORNING, enqueue=False)
    assert list(Delivery.objects.values_list("channel", "target")) == [("email", "member@example.org")]


def test_run_reminders_twice_at_the_same_time_creates_nothing_the_second_time(world, capsys):
    with provider([due(world.member), due(world.secretary)]):
        call_command("run_reminders", "--at", "2026-03-02T09:00")
        first = capsys.readouterr().out
        call_command("run_reminders", "--at", "2026-03-02T09:00")
        second = capsys.readouterr().out
    assert "2 created" in first and "notifications: 2 made" in first
    assert "0 created" in second and "notifications: 0 made" in second and "0 sent" in second


def test_run_reminders_refuses_a_bad_time(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ISO"):
        call_command("run_reminders", "--at", "next tuesday")
