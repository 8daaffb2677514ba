import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from branches.events import notify
from branches.models import AuditEntry, Organization
from portal.models import Notification, NotificationPreference, Reminder
from portal.notifications.engine import run_sweep
from tests.portal.notify_helpers import at, due, provider

pytestmark = pytest.mark.django_db

MORNING = at(2026, 3, 2, 9, 0)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def make_notifications(user, count, start=0):
    now = timezone.now()
    return Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind="test", title=f"通知{start + i}", url="/me/", created_at=now)
            for i in range(count)
        ]
    )


def digest_for(world, n_items):
    with provider([due(world.member, object_id=i) for i in range(n_items)]):
        run_sweep(MORNING, run_inline=True)
    return Notification.objects.get(recipient=world.member)


def test_the_bell_shows_the_unread_count(world, client_for):
    make_notifications(world.member, 3)
    page = client_for(world.member).get("/notifications/").content.decode()
    assert 'data-testid="unread-count">3<' in page


def test_the_inbox_lists_only_the_callers_notifications(world, client_for):
    make_notifications(world.member, 1)
    make_notifications(world.secretary, 1, start=50)
    page = client_for(world.member).get("/notifications/").content.decode()
    assert "通知0" in page and "通知50" not in page


def test_an_empty_inbox_says_what_comes_here(world, client_for):
    page = client_for(world.member).get("/notifications/").content.decode()
    assert 'data-testid="empty-state"' in page


def test_the_unread_filter_hides_read_notifications(world, client_for):
    first, second = make_notifications(world.member, 2)
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    page = client_for(world.member).get("/notifications/?show=unread").content.decode()
    assert "通知1" in page and "通知0" not in page


def test_someone_elses_notification_is_a_404(world, client_for):
    (theirs,) = make_notifications(world.secretary, 1)
    client = client_for(world.member)
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_with_htmx_returns_the_row_and_updates_the_count(world, client_for):
    (mine,) = make_notifications(world.member, 1)
    client = client_for(world.member)
    client.get("/notifications/")  # caches the count
    response = client.post(f"/notifications/{mine.pk}/read/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and f'id="notification-{mine.pk}"' in body
    assert 'hx-swap-oob="true"' in body and 'data-testid="unread-count"' not in body
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'data-testid="unread-count"' not in client.get("/notifications/").content.decode()
    assert AuditEntry.objects.filter(action="notification.read", object_id=str(mine.pk)).exists()


def test_mark_all_read_reads_only_the_callers(world, client_for):
    make_notifications(world.member, 2)
    make_notifications(world.secretary, 1)
    client_for(world.member).post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=world.member, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.secretary, read_at__isnull=True).count() == 1


def test_opening_a_notice_marks_it_read_and_goes_to_its_object(world, client_for):
    (mine,) = make_notifications(world.member, 1)
    response = client_for(world.member).post(f"/notifications/{mine.pk}/", {"go": "1"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_get_of_a_notice_never_marks_it_read(world, client_for):
    """Security review F13: link previews and prefetches are GETs."""
    (mine,) = make_notifications(world.member, 1)
    assert client_for(world.member).get(f"/notifications/{mine.pk}/?go=1").status_code == 200
    mine.refresh_from_db()
    assert mine.read_at is None


def test_a_digest_page_links_each_item_to_its_object(world, client_for):
    digest = digest_for(world, 2)
    page = client_for(world.member).get(f"/notifications/{digest.pk}/").content.decode()
    assert 'href="/orgs/0/"' in page and 'href="/orgs/1/"' in page


def test_the_inbox_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries):
    client = client_for(world.member)
    digest_for(world, 3)
    make_notifications(world.member, 2)
    cache.clear()
    with django_assert_max_num_queries(12) as few:
        client.get("/notifications/")
    with provider([due(world.member, object_id=100 + i) for i in range(20)]):
        run_sweep(at(2026, 3, 3, 9, 0), run_inline=True)
    make_notifications(world.member, 25, start=10)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/notifications/")


def test_the_api_lists_only_the_callers_notifications(world, api_for):
    make_notifications(world.member, 2)
    make_notifications(world.secretary, 1, start=50)
    data = api_for(world.member).get("/api/v1/notifications/").json()
    assert data["count"] == 2 and {r["title"] for r in data["results"]} == {"通知0", "通知1"}


def test_the_api_answers_404_for_someone_elses_notification(world, api_for):
    (theirs,) = make_notifications(world.secretary, 1)
    client = api_for(world.member)
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404


def test_the_api_marks_read_and_filters_unread(world, api_for):
    first, _second = make_notifications(world.member, 2)
    client = api_for(world.member)
    assert client.post(f"/api/v1/notifications/{first.pk}/read/").json()["read"] is True
    data = client.get("/api/v1/notifications/?unread=true").json()
    assert [r["title"] for r in data["results"]] == ["通知1"]
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}


def test_the_api_shows_digest_items(world, api_for):
    digest_for(world, 2)
    (row,) = api_for(world.member).get("/api/v1/notifications/").json()["results"]
    assert row["kind"] == "digest" and len(row["items"]) == 2


def test_the_api_query_count_does_not_grow_with_rows(world, api_for, django_assert_max_num_queries):
    client = api_for(world.member)
    digest_for(world, 2)
    make_notifications(world.member, 2)
    with django_assert_max_num_queries(10) as few:
        client.get("/api/v1/notifications/")
    with provider([due(world.member, object_id=100 + i) for i in range(20)]):
        run_sweep(at(2026, 3, 3, 9, 0), run_inline=True)
    make_notifications(world.member, 30, start=10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/notifications/")


def test_the_api_needs_a_login(client, db):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)


def test_a_person_saves_their_own_preferences(world, client_for):
    response = client_for(world.member).post(
        "/notifications/preferences/",
        {"email": "on", "digest_hour": "18", "quiet_start": "", "quiet_end": "", "webhook_url": ""},
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=world.member)
    assert (pref.digest_hour, pref.email, pref.webhook, pref.quiet_start) == (18, True, False, None)
    assert AuditEntry.objects.filter(action="notifications.preferences_changed").exists()


def test_half_given_quiet_hours_are_refused_in_chinese(world, client_for):
    response = client_for(world.member).post(
        "/notifications/preferences/", {"digest_hour": "8", "quiet_start": "22", "quiet_end": ""}
    )
    assert response.status_code == 200
    assert "免打扰" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=world.member).exists()


def test_a_webhook_without_any_url_is_refused(world, client_for, settings):
    settings.NOTIFY_WEBHOOK_URL = ""
    response = client_for(world.member).post("/notifications/preferences/", {"digest_hour": "8", "webhook": "on"})
    assert response.status_code == 200
    assert not NotificationPreference.objects.filter(user=world.member).exists()


def test_only_committee_staff_change_the_defaults(world, client_for):
    data = {"email": "on", "digest_hour": "7", "quiet_start": "23", "quiet_end": "6"}
    assert client_for(world.secretary).post("/notifications/defaults/", data).status_code == 403
    assert client_for(world.committee).post("/notifications/defaults/", data).status_code == 302
    default = NotificationPreference.objects.get(is_default=True)
    assert (default.digest_hour, default.quiet_start, default.quiet_end) == (7, 23, 6)


def test_the_defaults_apply_to_people_without_their_own_settings(world):
    NotificationPreference.objects.filter(is_default=True).update(digest_hour=12)
    with provider([due(world.member)]):
        run_sweep(MORNING, run_inline=True)
        assert not Notification.objects.exists()
        run_sweep(at(2026, 3, 2, 12, 0), run_inline=True)
    assert Notification.objects.count() == 1


def test_an_urgent_event_reaches_the_inbox_at_once(world, django_capture_on_commit_callbacks):
    from portal.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notify.send(
                sender=Organization,
                kind="supervision.red_card",
                obj=world.branch_a1,
                recipients=[world.secretary.pk],
                title="甲局第一党支部被亮红牌",
                url="/orgs/",
                urgent=True,
            )
    finally:
        app.conf.task_always_eager = False
    notice = Notification.objects.get(recipient=world.secretary)
    assert notice.urgent and notice.title == "甲局第一党支部被亮红牌"


def test_a_plain_event_waits_for_the_next_digest(world):
    notify.send(
        sender=Organization,
        kind="meetings.logged",
        obj=world.branch_a1,
        recipients=[world.member.pk],
        title="会议已登记",
    )
    assert not Notification.objects.exists()
    assert Reminder.objects.get().step == "notice"
    run_sweep(timezone.now().replace(hour=10) + datetime.timedelta(days=1), run_inline=True)
    # Other areas may have their own items due for the member that day (e.g. a Q4 reminder); ours is in it.
    digest = Notification.objects.get(recipient=world.member)
    assert digest.reminders.filter(kind="meetings.logged", step="notice").count() == 1


def test_healthz_turns_unhealthy_when_the_sweep_is_stale(client, db, settings):
    from portal.models import PortalState

    settings.HEALTH_SWEEP_MAX_AGE_SECONDS = 600
    PortalState.objects.create(key="reminder_sweep", at=timezone.now() - datetime.timedelta(seconds=601))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["reminder_sweep"] == "stale"
    PortalState.objects.filter(key="reminder_sweep").update(at=timezone.now())
    response = client.get("/healthz")
    assert response.json().get("reminder_sweep") != "stale" and response.json()["last_reminder_sweep"]


def test_the_admin_shows_deliveries_read_only(world, client_for):
    from portal.models import User

    admin = User.objects.create_superuser("ops", password="Ops-pass-2026x")
    client = client_for(admin)  # passes the second factor administrators need
    assert client.get("/admin/portal/delivery/").status_code == 200
    assert client.get("/admin/portal/delivery/add/").status_code == 403
