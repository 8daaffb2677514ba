"""E-mail (HTML + text, one per person per build, own verified address) and flood control."""

import email
import email.policy

import pytest
from django.core import mail
from django.core.cache import cache

from branches.models import AuditEntry
from portal.models import Delivery, Notification, NotificationPreference
from portal.notifications import email_addresses
from portal.notifications.engine import due_deliveries, run_sweep
from portal.notifications.services import deliver_many
from tests.portal.notify_helpers import at, due, provider
from tests.portal.receivers import start_smtp

pytestmark = pytest.mark.django_db

MORNING = at(2026, 3, 2, 9, 0)
BASE = "https://djportal.example.gov.cn"


@pytest.fixture(autouse=True)
def mail_settings(settings):
    settings.NOTIFY_BASE_URL = BASE
    cache.clear()  # rate-limit counters from earlier runs at the same fixed clock
    yield
    cache.clear()


@pytest.fixture
def smtp(settings):
    controller, box = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield box
    controller.stop()


def with_email(user, address="member@example.org"):
    user.email = address
    user.save()
    return user


def parsed(envelope):
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


def test_the_digest_is_html_with_a_plain_text_alternative_the_portal_name_and_links(world, smtp):
    with_email(world.member)
    with provider([due(world.member, title="请参加三月主题党日", object_id=3)]):
        run_sweep(MORNING, run_inline=True)
    assert len(smtp.messages) == 1
    message = parsed(smtp.messages[0])
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "机关党建门户" in body and "请参加三月主题党日" in body
        assert f"{BASE}/orgs/3/" in body and f"{BASE}/notifications/preferences/" in body
    assert "<a href=" in html and "机关党建门户" in message["Subject"]


def test_two_targets_for_one_person_make_one_email(world, smtp):
    with_email(world.member)
    items = [
        due(world.member, kind="notices.task", object_id=1, step="notice", urgent=True, title="任务一"),
        due(world.member, kind="notices.task", object_id=2, step="notice", urgent=True, title="任务二"),
    ]
    with provider(items):
        run_sweep(MORNING, run_inline=True)
    assert len(smtp.messages) == 1
    body = parsed(smtp.messages[0]).get_body(("plain",)).get_content()
    assert "任务一" in body and "任务二" in body
    assert Notification.objects.filter(recipient=world.member).count() == 1


def test_a_hundred_overdue_items_make_one_message_in_the_next_window_after_quiet_hours(world, smtp):
    with_email(world.member)
    NotificationPreference.objects.create(user=world.member, digest_hour=8, quiet_start=22, quiet_end=7)
    items = [due(world.member, object_id=i, step="overdue", urgent=True, title=f"逾期事项{i}") for i in range(100)]
    with provider(items):
        for hour in (22, 23):
            run_sweep(at(2026, 3, 2, hour, 0), run_inline=True)
        for hour in (0, 3, 6):
            run_sweep(at(2026, 3, 3, hour, 30), run_inline=True)
        assert smtp.messages == [] and not Notification.objects.exists()
        run_sweep(at(2026, 3, 3, 7, 0), run_inline=True)  # quiet hours over: no wait for the 08:00 digest
        run_sweep(at(2026, 3, 3, 8, 0), run_inline=True)
        run_sweep(at(2026, 3, 3, 12, 0), run_inline=True)
    assert len(smtp.messages) == 1
    assert "100" in parsed(smtp.messages[0])["Subject"]
    assert Notification.objects.filter(recipient=world.member).count() == 1


def test_a_retry_waits_for_the_end_of_quiet_hours(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with_email(world.member)
    NotificationPreference.objects.create(user=world.member, digest_hour=8, quiet_start=22, quiet_end=7)
    with provider([due(world.member)]):
        run_sweep(MORNING, run_inline=False, fan_out=False)
    from portal.notifications.services import build_notifications

    build_notifications([world.member.pk], now=MORNING, enqueue=False)
    delivery = Delivery.objects.get()
    night = at(2026, 3, 2, 23, 0)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=night)
    assert deliver_many(due_deliveries(night), now=night) == 0
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == at(2026, 3, 3, 7, 0) and delivery.attempts == 0
    assert mail.outbox == []
    assert deliver_many(due_deliveries(at(2026, 3, 3, 7, 0)), now=at(2026, 3, 3, 7, 0)) == 1
    assert len(mail.outbox) == 1


def test_marked_urgent_notices_go_through_quiet_hours(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with_email(world.member)
    NotificationPreference.objects.create(user=world.member, digest_hour=8, quiet_start=22, quiet_end=7)
    with provider([due(world.member, kind="supervision.red_card", step="on_issue", urgent=True, title="红牌")]):
        run_sweep(at(2026, 3, 2, 23, 0), run_inline=True)
    assert len(mail.outbox) == 1 and "红牌" in mail.outbox[0].subject


def test_the_mail_rate_limit_postpones_the_rest_to_the_next_minute(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_RATE_LIMITS = {**settings.NOTIFY_RATE_LIMITS, "email": 2}
    people = [world.member, world.secretary, world.outsider]
    for i, person in enumerate(people):
        with_email(person, f"p{i}@example.org")
    with provider([due(p) for p in people]):
        run_sweep(MORNING, run_inline=True)
    assert len(mail.outbox) == 2
    waiting = Delivery.objects.get(state="pending")
    assert waiting.attempts == 0 and waiting.next_attempt_at == at(2026, 3, 2, 9, 1)
    assert deliver_many(due_deliveries(waiting.next_attempt_at), now=waiting.next_attempt_at) == 1
    assert len(mail.outbox) == 3


# --- Own e-mail address ------------------------------------------------------------


def test_a_person_sets_and_verifies_their_own_address(world, client_for, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = client_for(world.member)
    response = client.post("/notifications/email/", {"email": "new@example.org"})
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.email == ""  # nothing changes before the link is opened
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.org"]
    assert mail.outbox[0].alternatives and "机关党建门户" in mail.outbox[0].body
    link = next(line for line in mail.outbox[0].body.splitlines() if "/notifications/email/verify/" in line)
    path = link.strip().replace(BASE, "")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    world.member.refresh_from_db()
    assert world.member.email == "new@example.org"
    entry = AuditEntry.objects.get(action="email.changed")
    assert "new@example.org" not in str(entry.after)  # masked in the log
    assert client.post(path).status_code == 400  # the link is spent: the address changed since


def test_someone_elses_link_or_a_forged_one_is_refused(world, client_for, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    token = email_addresses.request_change(actor=world.member, address="x@example.org")
    other = client_for(world.secretary)
    response = other.post(f"/notifications/email/verify/{token}/")
    assert response.status_code == 400 and "另一个账号" in response.content.decode()
    assert client_for(world.member).post("/notifications/email/verify/forged/").status_code == 400
    world.secretary.refresh_from_db()
    assert world.secretary.email != "x@example.org"


def test_a_bad_address_gets_a_chinese_message(world, client_for):
    response = client_for(world.member).post("/notifications/email/", {"email": "not-an-address"})
    assert response.status_code == 200 and "请输入合法的邮件地址" in response.content.decode()


def test_the_api_does_the_same(world, client_for, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = client_for(world.member)
    assert (
        client.post("/api/v1/me/email/", {"email": "api@example.org"}, content_type="application/json").status_code
        == 202
    )
    token = mail.outbox[0].body.split("/notifications/email/verify/")[1].split("/")[0]
    response = client.post("/api/v1/me/email/confirm/", {"token": token}, content_type="application/json")
    assert response.status_code == 200 and response.json()["email"] == "api@example.org"
    bad = client.post("/api/v1/me/email/confirm/", {"token": "nope"}, content_type="application/json")
    assert bad.status_code == 400


def test_failures_are_visible_to_committee_staff_only(world, client_for, settings):
    settings.NOTIFY_WEBHOOK_URL = "http://10.0.0.1/robot"
    NotificationPreference.objects.create(user=world.secretary, email=False, webhook=True)
    with provider([due(world.secretary)]):
        run_sweep(MORNING, run_inline=True)
    assert Delivery.objects.get().state == "failed"
    page = client_for(world.committee).get("/notifications/failures/")
    assert page.status_code == 200 and "10.0.0.1" in page.content.decode()
    assert client_for(world.secretary).get("/notifications/failures/").status_code == 403


def test_preferences_through_the_api_use_the_same_service_and_checks(world, client_for):
    client = client_for(world.member)
    assert client.get("/api/v1/me/notification-preferences/").json()["digest_hour"] == 8
    response = client.patch(
        "/api/v1/me/notification-preferences/", {"digest_hour": 18, "messenger": False},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["digest_hour"] == 18
    pref = NotificationPreference.objects.get(user=world.member)
    assert (pref.digest_hour, pref.messenger) == (18, False)
    assert AuditEntry.objects.filter(action="notifications.preferences_changed").exists()
    bad = client.patch(
        "/api/v1/me/notification-preferences/", {"webhook": True, "webhook_url": "http://localhost:6379/"},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 400 and "该机器人地址不能使用" in bad.content.decode()
