"""Pages kept per person (portal/pagecache.py): served again only while nothing they read has been written."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches import audit, services
from branches.models import Meeting, RoleGrant
from portal import pagecache
from portal.models import PortalState

from ..meetings.test_pages import _planned

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kept_pages(settings):
    settings.PAGE_CACHE_SECONDS = 120
    pagecache.forget_all()


def _view(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


def _warm(client, url):
    """Open the page until it is kept: the first view sets the CSRF cookie, the next learns the tables it
    reads, the one after keeps it against their versions."""
    for _ in range(3):
        _view(client, url)
    response = _view(client, url)
    assert getattr(response, "page_cache_hit", False), "the page was not kept"
    return response


def _without_tokens(content: bytes) -> bytes:
    """The page without its CSRF tokens, which are masked afresh on every rendering (each one is valid)."""
    return re.sub(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", content)


def _hit(response) -> bool:
    return getattr(response, "page_cache_hit", False)


def test_a_listed_page_is_served_again_as_rendered_without_the_views_queries(
    world, client_for, django_assert_max_num_queries
):
    _planned(world)
    c = client_for(world.secretary)
    url = reverse("meetings:meeting_list")
    rendered = _view(c, url)
    kept = _warm(c, url)
    assert _without_tokens(kept.content) == _without_tokens(rendered.content)
    assert "支委会" in kept.content.decode()
    with CaptureQueriesContext(connection) as served:
        assert _hit(_view(c, url))
    _update(Meeting.objects.get())
    with CaptureQueriesContext(connection) as rendered_again:
        assert not _hit(_view(c, url))
    assert len(served.captured_queries) < len(rendered_again.captured_queries)


def _save(meeting):
    meeting.title = "改过的标题"
    meeting.save(update_fields=["title"])


def _update(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(title="改过的标题")


def _raw(meeting):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Meeting._meta.db_table} SET title = %s WHERE id = %s", ["改过的标题", meeting.pk])


@pytest.mark.parametrize("write", [_save, _update, _raw], ids=["save", "queryset update", "raw SQL"])
def test_a_write_to_a_table_the_page_read_shows_on_the_next_view(world, client_for, write):
    meeting = _planned(world)
    c = client_for(world.secretary)
    url = reverse("meetings:meeting_list")
    _warm(c, url)
    write(meeting)
    response = _view(c, url)
    assert not _hit(response)
    assert "改过的标题" in response.content.decode()


def _state_version():
    return pagecache.versions([PortalState._meta.db_table])[PortalState._meta.db_table]


def _touch_state(n):
    PortalState.objects.update_or_create(key="page-cache-commit", defaults={"at": timezone.now(), "detail": {"n": n}})


def test_a_write_in_a_transaction_moves_its_table_on_at_once_and_once_more_at_the_commit(
    django_capture_on_commit_callbacks,
):
    start = _state_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _touch_state(1)  # a SELECT … FOR UPDATE, then an INSERT
        _touch_state(2)  # an UPDATE
        assert _state_version() == start + 2  # at once: this transaction's own later reads
    assert len([cb for cb in callbacks if getattr(cb, "func", None) is pagecache.bump]) == 1
    assert _state_version() == start + 3  # and once at the commit, whatever the number of writes


def test_a_write_to_a_table_the_page_did_not_read_keeps_it(world, client_for):
    _planned(world)
    c = client_for(world.secretary)
    url = reverse("meetings:meeting_list")
    _view(c, url)
    with CaptureQueriesContext(connection) as rendering:
        _view(c, url)
    read = set().union(*(pagecache.parse(q["sql"])[0] for q in rendering.captured_queries))
    assert Meeting._meta.db_table in read and PortalState._meta.db_table not in read
    _warm(c, url)
    PortalState.objects.create(key="page-cache-test", at=timezone.now())
    assert _hit(_view(c, url))


def test_each_person_and_each_session_has_its_own_page(world, client_for):
    _planned(world)
    url = reverse("meetings:meeting_list")
    secretary = client_for(world.secretary)
    _warm(secretary, url)
    outsider = client_for(world.outsider)
    response = _view(outsider, url)
    assert not _hit(response)
    assert "支委会" not in response.content.decode()  # the sibling branch's secretary sees their own branch
    again = client_for(world.secretary)  # another sign-in of the same person
    assert not _hit(_view(again, url))


def test_a_person_who_loses_the_role_is_not_served_the_kept_page(world, client_for):
    c = client_for(world.secretary)
    url = reverse("branches:member_detail", args=[world.members["member"].pk])
    _warm(c, url)
    grant = RoleGrant.objects.get(user=world.secretary, role="secretary")
    services.revoke_role(actor=audit.SYSTEM, grant=grant)
    assert c.get(url).status_code == 404


def test_a_waiting_message_is_shown_and_not_kept_over(world, client_for):
    c = client_for(world.secretary)
    url = reverse("meetings:meeting_list")
    _warm(c, url)
    storage = CookieStorage(HttpRequest())
    c.cookies[CookieStorage.cookie_name] = storage._encode([Message(constants.SUCCESS, "会议已保存")])
    response = _view(c, url)
    assert not _hit(response)
    assert "会议已保存" in response.content.decode()
    assert "会议已保存" not in _view(c, url).content.decode()


def test_a_page_that_writes_while_it_renders_is_never_kept(world, client_for, monkeypatch):
    from branches.meetings.views.pages import MeetingListView

    real = MeetingListView.get_context_data
    views = []

    def get_context_data(self, **kwargs):  # as a view that records who opened it would
        views.append(1)
        PortalState.objects.update_or_create(
            key="page-cache-write", defaults={"detail": {"n": len(views)}, "at": timezone.now()}
        )
        return real(self, **kwargs)

    monkeypatch.setattr(MeetingListView, "get_context_data", get_context_data)
    c = client_for(world.secretary)
    url = reverse("meetings:meeting_list")
    for _ in range(5):
        assert not _hit(_view(c, url))
    assert PortalState.objects.get(key="page-cache-write").detail == {"n": 5}


def test_an_api_list_is_kept_as_json_for_a_signed_in_browser(world, client_for):
    _planned(world)
    c = client_for(world.committee)
    _view(c, reverse("meetings:meeting_list"))  # a browser signed in through the pages holds the CSRF cookie
    url = reverse("meeting-list")
    first = _view(c, url)
    kept = _warm(c, url)
    assert kept["Content-Type"].startswith("application/json")
    assert kept.json()["results"] == first.json()["results"]


def test_forgetting_cached_figures_moves_every_kept_page_on(world, client_for):
    c = client_for(world.secretary)
    url = reverse("meetings:meeting_list")
    _warm(c, url)
    call_command("forget_cached_figures")
    assert not _hit(_view(c, url))


def test_the_bells_unread_count_is_part_of_the_page(world, client_for):
    from portal.notifications.models import Notification

    c = client_for(world.member)
    url = reverse("training:my_study")
    _warm(c, url)
    Notification.objects.bulk_create(
        [Notification(recipient=world.member, title="新通知", body="", created_at=timezone.now())]
    )
    from portal.notifications.services import forget_unread

    forget_unread([world.member.pk])
    assert not _hit(_view(c, url))


def test_views_not_listed_are_never_kept(world, client_for, settings):
    settings.PAGE_CACHE_VIEWS = frozenset()
    c = client_for(world.secretary)
    url = reverse("meetings:meeting_list")
    for _ in range(4):
        assert not _hit(_view(c, url))


def test_with_no_shared_cache_nothing_is_kept(world, client_for, settings):
    settings.PAGE_CACHE_SECONDS = 0
    c = client_for(world.secretary)
    url = reverse("meetings:meeting_list")
    for _ in range(4):
        assert not _hit(_view(c, url))


@pytest.mark.parametrize(
    ("sql", "reads", "writes"),
    [
        ('SELECT "a"."id" FROM "a" INNER JOIN "b" ON ("a"."b_id" = "b"."id")', {"a", "b"}, set()),
        ('(SELECT "x" FROM "a") UNION (SELECT "x" FROM "c")', {"a", "c"}, set()),
        ('SELECT "a"."id" FROM "a" WHERE "a"."id" = 1 FOR UPDATE', {"a"}, set()),
        ('INSERT INTO "a" ("x") VALUES (%s) ON CONFLICT ("x") DO UPDATE SET "x" = EXCLUDED."x"', set(), {"a"}),
        ('UPDATE "a" SET "x" = 1 WHERE "a"."id" IN (SELECT U0."id" FROM "b" U0)', {"b"}, {"a"}),
        ('DELETE FROM "a" WHERE "a"."id" = 1', {"a"}, {"a"}),
        (
            "WITH RECURSIVE t AS (SELECT id FROM branches_organization) SELECT * FROM t",
            {"branches_organization", "t"},
            set(),
        ),
        ("TRUNCATE TABLE a", set(), {"a"}),
        ('ALTER TABLE "a" ADD COLUMN "y" integer', set(), {pagecache.EVERYTHING}),
        ("SAVEPOINT s1", set(), set()),
        ('DROP TABLE IF EXISTS "_upsert_x"', set(), {"_upsert_x"}),  # branches.bulk's staging table
        ('CREATE TEMPORARY TABLE "_upsert_x" ON COMMIT DROP AS SELECT "a" FROM "x" WITH NO DATA', set(), {"_upsert_x"}),
    ],
)
def test_statements_are_read_for_the_tables_they_read_and_write(sql, reads, writes):
    found_reads, found_writes = pagecache.parse(sql)
    assert set(found_writes) == writes
    if not writes:
        assert set(found_reads) == reads


def test_a_page_showing_kept_figures_is_kept_only_while_they_are(world, client_for):
    """Kept summary figures expire on their own interval, with no write: the page that showed them goes too."""
    from django.core.cache import cache

    c = client_for(world.committee)
    url = reverse("dues:home") + f"?org={world.root.pk}"
    captured = []
    from branches import kept

    kept.ON_READ.append(lambda key, taken_at: captured.append(key))
    try:
        _warm(c, url)
    finally:
        kept.ON_READ.pop()
    assert captured, "the dues page reads kept figures"
    assert _hit(_view(c, url))
    cache.delete_many(captured)  # as if their interval had passed
    assert not _hit(_view(c, url))


class _Recording:
    """The shared cache, noting the pages set into it."""

    def __init__(self, real):
        self.real, self.pages = real, {}

    def __getattr__(self, name):
        return getattr(self.real, name)

    def set(self, key, value, *args, **kwargs):
        if key.startswith(pagecache.PAGE_PREFIX):
            self.pages[key] = value
        return self.real.set(key, value, *args, **kwargs)


def test_a_kept_page_is_held_encrypted_and_one_altered_in_redis_is_rendered_afresh(world, client_for, monkeypatch):
    import pickle

    recording = _Recording(pagecache.cache)
    monkeypatch.setattr(pagecache, "cache", recording)
    c = client_for(world.secretary)
    url = reverse("branches:member_detail", args=[world.members["member"].pk])
    assert "member-党员" in _warm(c, url).content.decode()
    [(key, entry)] = recording.pages.items()
    assert "member-党员".encode() not in pickle.dumps(entry)  # SM4-GCM, as the register is in the database
    version, nonce, ciphertext, tag = entry["content"]
    recording.real.set(key, {**entry, "content": (version, nonce, bytes([ciphertext[0] ^ 1]) + ciphertext[1:], tag)})
    response = _view(c, url)
    assert not _hit(response)
    assert "member-党员" in response.content.decode()


class _Silent:
    """A cache that does not answer (Redis down)."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("the cache does not answer")

        return fail


def test_a_cache_that_does_not_answer_leaves_the_pages_rendered(world, client_for, monkeypatch):
    c = client_for(world.secretary)
    url = reverse("meetings:meeting_list")
    _warm(c, url)
    monkeypatch.setattr(pagecache, "cache", _Silent())
    for _ in range(3):
        response = _view(c, url)
        assert not _hit(response)
    _update(_planned(world))  # a write still goes through
    assert "改过的标题" in _view(c, url).content.decode()


def test_a_sign_in_does_not_move_every_page_on_but_a_change_to_a_person_does(world, client_for):
    from django.contrib.auth.models import update_last_login

    from portal.models import User

    table = User._meta.db_table
    start = pagecache.versions([table])[table]
    update_last_login(None, world.member)  # last_login and the account's integrity MAC
    assert pagecache.versions([table])[table] == start
    c = client_for(world.secretary)
    url = reverse("branches:member_detail", args=[world.members["member"].pk])
    _warm(c, url)
    world.member.first_name = "改名"
    world.member.save(update_fields=["first_name"])
    assert pagecache.versions([table])[table] > start
    assert not _hit(_view(c, url))


def test_the_dashboard_is_kept_and_the_next_refresh_of_its_figures_shows_on_the_next_view(world, client_for):
    """A committee member comes back to the dashboard after each list they drill into: served again, until the
    worker's refresh writes new figures."""
    from portal import dashboards
    from tests.portal.dashboard_helpers import temporary_metric

    c = client_for(world.committee)
    url = reverse("dashboards:org", args=[world.root.pk])
    with temporary_metric("meetings.compliance_rate", {world.root.pk: 70}):
        dashboards.refresh_summaries(actor=audit.SYSTEM)
        assert 'data-value="70.0"' in _warm(c, url).content.decode()
    with temporary_metric("meetings.compliance_rate", {world.root.pk: 40}):
        dashboards.refresh_summaries(actor=audit.SYSTEM)
        page = _view(c, url)
    assert not _hit(page)
    assert 'data-value="40.0"' in page.content.decode() and 'data-value="70.0"' not in page.content.decode()
    # another person's menu and grants are their own: a unit admin is refused the committee's page
    assert client_for(world.unit_admin).get(url).status_code == 404
