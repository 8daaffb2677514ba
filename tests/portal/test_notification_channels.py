import datetime
import email
import email.policy

import pytest

from branches.models import AuditEntry
from portal.models import Delivery, NotificationPreference
from portal.notifications.engine import due_deliveries, run_sweep
from portal.notifications.services import deliver_many
from tests.portal.notify_helpers import at, due, provider
from tests.portal.receivers import Robot, start_smtp

pytestmark = pytest.mark.django_db

MORNING = at(2026, 3, 2, 9, 0)


@pytest.fixture
def smtp(settings):
    controller, box = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield box
    controller.stop()


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    """Test-only allowance: these tests post to receivers on 127.0.0.1 (and nowhere else)."""
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.OUTBOUND_REQUIRE_HTTPS = False
    settings.NOTIFY_BASE_URL = "https://djportal.example.gov.cn"


@pytest.fixture
def robot(settings):
    r = Robot()
    settings.NOTIFY_WEBHOOK_URL = r.url
    yield r
    r.stop()


def with_email(user, address):
    user.email = address
    user.save()
    return user


def test_the_digest_reaches_a_real_smtp_server_once(world, smtp):
    with_email(world.member, "member@example.org")
    with provider([due(world.member, title="请参加三月主题党日")]):
        run_sweep(MORNING, run_inline=True)
        run_sweep(MORNING, run_inline=True)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message.rcpt_tos == ["member@example.org"]
    parsed = email.message_from_bytes(message.content, policy=email.policy.default)
    assert "请参加三月主题党日" in parsed.get_body().get_content()
    assert Delivery.objects.get().state == "sent"


def test_the_webhook_posts_json_to_the_robot_once(world, robot):
    NotificationPreference.objects.create(user=world.secretary, email=False, webhook=True)
    from portal import todo

    with provider([due(world.secretary, title="支部换届即将到期")]):
        run_sweep(MORNING, run_inline=True)
        run_sweep(MORNING, run_inline=True)
        open_items = len(todo.todo_for(world.secretary, MORNING))  # the digest counts 我的待办 (issue 23)
    assert len(robot.bodies) == 1
    assert robot.bodies[0]["msgtype"] == "text"
    content = robot.bodies[0]["text"]["content"]
    # A robot posts into a group chat: a count and an absolute link, never the items themselves.
    assert "支部换届即将到期" not in content
    assert f"我的待办共 {open_items} 项" in content and "https://djportal.example.gov.cn/notifications/" in content


def test_a_personal_webhook_url_wins_over_the_portal_one(world, settings):
    mine = Robot()
    try:
        settings.NOTIFY_WEBHOOK_URL = "http://127.0.0.1:9/unused"
        NotificationPreference.objects.create(user=world.secretary, email=False, webhook=True, webhook_url=mine.url)
        with provider([due(world.secretary)]):
            run_sweep(MORNING, run_inline=True)
        assert len(mine.bodies) == 1
    finally:
        mine.stop()


def test_a_failing_channel_retries_with_backoff_then_succeeds(world, robot, settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    NotificationPreference.objects.create(user=world.secretary, email=False, webhook=True)
    robot.fail_next = 1
    with provider([due(world.secretary)]):
        run_sweep(MORNING, run_inline=True)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at == MORNING + datetime.timedelta(seconds=60)
    assert "500" in delivery.last_error
    assert due_deliveries(MORNING + datetime.timedelta(seconds=30)) == []
    assert (
        deliver_many(
            due_deliveries(MORNING + datetime.timedelta(seconds=61)), now=MORNING + datetime.timedelta(seconds=61)
        )
        == 1
    )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert len(robot.bodies) == 1


def test_a_delivery_gives_up_after_the_last_attempt_and_records_it(world, robot, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    settings.NOTIFY_RETRY_BASE_SECONDS = 1
    NotificationPreference.objects.create(user=world.secretary, email=False, webhook=True)
    robot.fail_next = 5
    with provider([due(world.secretary)]):
        run_sweep(MORNING, run_inline=True)
    later = MORNING + datetime.timedelta(seconds=5)
    deliver_many(due_deliveries(later), now=later)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 2)
    assert due_deliveries(later + datetime.timedelta(days=1)) == []
    assert AuditEntry.objects.filter(action="notification.delivery_failed", object_id=str(delivery.pk)).exists()


def test_a_broken_email_server_does_not_block_the_webhook(world, robot, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with_email(world.secretary, "sec@example.org")
    NotificationPreference.objects.create(user=world.secretary, email=True, webhook=True)
    with provider([due(world.secretary)]):
        run_sweep(MORNING, run_inline=True)
    states = dict(Delivery.objects.values_list("channel", "state"))
    assert states == {"email": "pending", "webhook": "sent"}
    assert len(robot.bodies) == 1


def test_a_claimed_delivery_is_not_sent_again_by_a_second_worker(world, robot):
    NotificationPreference.objects.create(user=world.secretary, email=False, webhook=True)
    with provider([due(world.secretary)]):
        run_sweep(MORNING, fan_out=False)
    from portal.notifications.services import build_notifications, deliver_one

    build_notifications([world.secretary.pk], now=MORNING, enqueue=False)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state="sending", claimed_at=MORNING)
    assert deliver_one(delivery.pk, now=MORNING + datetime.timedelta(seconds=10)) is False
    assert robot.bodies == []


def test_a_claim_left_by_a_killed_worker_is_taken_over_after_the_lease(world, robot, settings):
    settings.NOTIFY_DELIVERY_LEASE_SECONDS = 300
    NotificationPreference.objects.create(user=world.secretary, email=False, webhook=True)
    with provider([due(world.secretary)]):
        run_sweep(MORNING, fan_out=False)
    from portal.notifications.services import build_notifications

    build_notifications([world.secretary.pk], now=MORNING, enqueue=False)
    Delivery.objects.update(state="sending", claimed_at=MORNING)
    later = MORNING + datetime.timedelta(seconds=301)
    assert deliver_many(due_deliveries(later), now=later) == 1
    assert len(robot.bodies) == 1


def test_the_dispatcher_does_not_queue_a_fresh_delivery_twice(world, robot):
    NotificationPreference.objects.create(user=world.secretary, email=False, webhook=True)
    with provider([due(world.secretary)]):
        run_sweep(MORNING, fan_out=False)
    from portal.notifications.services import build_notifications

    build_notifications([world.secretary.pk], now=MORNING, enqueue=False)
    assert due_deliveries(MORNING + datetime.timedelta(seconds=30), grace=60) == []
    assert len(due_deliveries(MORNING + datetime.timedelta(seconds=61), grace=60)) == 1
