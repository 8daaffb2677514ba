"""Rendered pages kept per person, moved on by every write to the tables they read.

The portal's list pages cost 20–40 ms to build (Django compiling 8–18 queries and rendering the templates),
several times the framework's own cost, and people open the same pages again and again between changes: a
secretary's meeting list, the committee's register. So a page named in ``PAGE_CACHE_VIEWS`` keeps its
rendered response in the shared cache, for the same person, session, address, language and day only, and is
served from it while nothing it read has been written since.

How "nothing it read has changed" is known, for every write, including bulk ones that send no signals:

- Every database connection of every process (web, worker, commands) carries an execute wrapper
  (``observe``). A statement that writes (``INSERT``, ``UPDATE``, ``DELETE``, ``TRUNCATE``, ``COPY``) moves a
  version counter per table it writes on, in the shared cache: at once, and in a transaction once more when
  it commits, so that a page read between the write and the commit is not kept with the new version.
- Through a request for a page (``PageReadsMiddleware``, first in ``MIDDLEWARE``), the wrapper records the
  tables its queries read (``FROM``/``JOIN``): the middleware's (the session, the person, their roles) and the
  view's. The page is kept with the versions those tables had *before the request read anything* (read at its
  start for the tables this address was seen to read; a page that reads others is rendered again before it is
  kept). It is served from the cache only while every one of those versions is unchanged. Bookkeeping that
  every request writes (the session, the sign-in list, a login's time) is not a dependency (``_bookkeeping``).
- What a page reads from the shared cache instead of the database is part of its key (``_cache_read_keys``:
  the kept figures' versions, the dashboard generation, the bell's unread count), and the kept figures it
  showed must still be there, taken at the same time (they expire on their own interval; ``figures_read``).
- A kept page is held compressed and sealed with SM4-GCM under the field key, bound to its cache key.

A page is never kept when rendering it wrote anything (an access record, a session change, a message), when
the person has a message waiting, when the response sets a cookie or is not a 200 HTML or JSON answer. What
depends on the clock rather than the data (a deadline turning overdue within the day) is at most
``PAGE_CACHE_SECONDS`` old. ``manage.py forget_cached_figures`` (a restore) moves every page on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import zlib
from contextvars import ContextVar
from functools import lru_cache, partial

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from branches import crypto
from branches.kept import move_on

log = logging.getLogger(__name__)

VERSION_PREFIX = "pagecache:table:"
EPOCH_KEY = "pagecache:epoch"
PAGE_PREFIX = "pagecache:page:"
# Session entries written on every request (portal.security.middleware.SessionActivityMiddleware): not what a
# page shows, so not part of its key.
VOLATILE_SESSION_KEYS = frozenset({"last_activity"})
# Request headers that change what a view answers (DRF's content negotiation, partial page updates).
KEY_HEADERS = ("Accept", "HX-Request", "HX-Target", "X-Requested-With")
STORED_TYPES = ("text/html", "application/json")

_READ = re.compile(r'\b(?:FROM|JOIN)\s+(?:ONLY\s+)?"?([A-Za-z_]\w*)"?', re.IGNORECASE)
_WRITE = re.compile(
    r'\b(?:INSERT\s+INTO|(?<!FOR\s)(?<!DO\s)UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?"?([A-Za-z_]\w*)"?',
    re.IGNORECASE,
)
# A table created or dropped by name (branches.bulk's staging table for an upsert): that table is written, not
# every page's.
_CREATE_OR_DROP = re.compile(
    r'^\s*(?:CREATE\s+(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE(?:\s+IF\s+NOT\s+EXISTS)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?)\s+"?([A-Za-z_]\w*)"?',
    re.IGNORECASE,
)
_SELECT_ONLY = re.compile(
    r"^[\s(]*(?:SELECT|WITH|VALUES|EXPLAIN|SAVEPOINT|RELEASE|ROLLBACK|SET|SHOW|BEGIN|COMMIT|PRAGMA|DECLARE|FETCH|CLOSE)\b",
    re.IGNORECASE,
)
# Anything else that changes data or schema (ALTER, an index, a view …): written by no known table, so every page
# moves on.
EVERYTHING = "*"
TABLES_PREFIX = "pagecache:tables:"


@lru_cache(maxsize=1)
def _bookkeeping() -> tuple[frozenset[str], re.Pattern]:
    """``(tables, a write)`` that are not a page's dependencies.

    The tables are written by the middleware on every request or sign-in and shown by no kept page: the
    session, the sign-in list, axes' records, and the second-factor devices (read by SecondFactorMiddleware,
    which runs before every view, kept or not; a verification writes them). The write is a sign-in's
    ``update_last_login`` (with the account's integrity MAC, branches/integrity.py): the person's own row is part
    of the page's key (without ``last_login``), so it does not move every page on whenever anyone signs in.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .models import UserSession

    models = (Session, UserSession, AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice, StaticDevice, StaticToken)
    user = re.escape(get_user_model()._meta.db_table)
    last_login = re.compile(
        rf'^UPDATE "{user}" SET "last_login" = %s(?:, "integrity_mac" = %s)? WHERE "{user}"\."id" = %s$'  # noqa: S608  # nosec B608  (a regex pattern, not a query)
    )
    return frozenset(m._meta.db_table for m in models), last_login


class _Capture:
    __slots__ = ("tables", "wrote", "before", "figures")

    def __init__(self):
        self.tables: set[str] = set()
        self.wrote = False
        self.before: dict[str, int] | None = None
        self.figures: dict[str, object] = {}  # kept figures read: their key and when they were taken


_capture: ContextVar[_Capture | None] = ContextVar("pagecache_capture", default=None)


@lru_cache(maxsize=4096)
def parse(sql: str) -> tuple[frozenset[str], frozenset[str]]:
    """``(tables read, tables written)`` by one statement. Unknown statements that may change data count
    as writing ``EVERYTHING``."""
    if _bookkeeping()[1].match(sql):
        return frozenset(), frozenset()
    writes = frozenset(_WRITE.findall(sql)) or frozenset(_CREATE_OR_DROP.findall(sql))
    if not writes and not _SELECT_ONLY.match(sql):
        writes = frozenset({EVERYTHING})
    return frozenset(_READ.findall(sql)), writes


# --- Table versions -----------------------------------------------------------------------------------


def _redis_client():
    backend = getattr(cache, "_cache", None)
    return backend.get_client(write=True) if backend is not None and hasattr(backend, "get_client") else None


def bump(keys) -> None:
    """Move the given version counters on (created at 1 when missing)."""
    keys = list(keys)
    try:
        client = _redis_client()
        if client is not None:
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.incr(cache.make_and_validate_key(key))
            pipe.execute()
            return
        for key in keys:
            move_on(key)
    except Exception:  # the write itself has happened; a cache that does not answer keeps no page either
        log.warning("page cache: could not move versions on", exc_info=True)


def _written(connection, tables) -> None:
    keys = [EPOCH_KEY if table == EVERYTHING else VERSION_PREFIX + table for table in tables]
    bump(keys)
    if not connection.in_atomic_block:
        return
    # Once more on commit, once per table and transaction: Django replaces ``run_on_commit`` with a new list
    # after a commit or a rollback, so a pending set tied to the current list is this transaction's own.
    pending = connection.__dict__.get("_pagecache_pending")
    if pending is None or pending[0] is not connection.run_on_commit:
        pending = (connection.run_on_commit, set())
        connection._pagecache_pending = pending
    new = [key for key in keys if key not in pending[1]]
    if new:
        pending[1].update(new)
        connection.on_commit(partial(bump, new))


def observe(execute, sql, params, many, context):
    """The execute wrapper on every connection: moves written tables on, records what a kept page reads."""
    result = execute(sql, params, many, context)
    reads, writes = parse(sql) if isinstance(sql, str) else (frozenset(), frozenset({EVERYTHING}))
    capture = _capture.get()
    if writes:
        _written(context["connection"], writes)
        if capture is not None:
            capture.wrote = True
    elif capture is not None:
        capture.tables.update(reads)
    return result


def figures_read(key: str, taken_at) -> None:
    """``branches.kept.ON_READ``: the page shows these kept figures, so it is kept only while they are (they
    expire on their own interval, without a write)."""
    capture = _capture.get()
    if capture is not None:
        capture.figures[key] = taken_at


def _figures_unchanged(figures: dict) -> bool:
    if not figures:
        return True
    found = cache.get_many(list(figures))
    return all(key in found and found[key][1] == taken_at for key, taken_at in figures.items())


def watch(connection, **_kwargs) -> None:
    """``connection_created``: wrap each connection once (the wrappers list outlives reconnections)."""
    if observe not in connection.execute_wrappers:
        connection.execute_wrappers.append(observe)


def versions(tables) -> dict[str, int]:
    tables = sorted(tables)
    found = cache.get_many([VERSION_PREFIX + t for t in tables])
    return {t: found.get(VERSION_PREFIX + t, 0) for t in tables}


def forget_all() -> None:
    """Every kept page moves on (the database under them was replaced)."""
    bump([EPOCH_KEY])


# --- The page's key ----------------------------------------------------------------------------------


def _cache_read_keys(user) -> list[str]:
    """What pages read from the shared cache instead of the database: the kept summary figures' versions, the
    dashboards' generation and the bell's unread count. Their values are part of the page's key."""
    from branches.kept import EVERY

    from .dashboards.snapshots import GENERATION_KEY
    from .notifications.services import unread_key

    return [EPOCH_KEY, *(figures.version_key for figures in EVERY), GENERATION_KEY, unread_key(user.pk)]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The deployed code, templates, translations and static manifest: a new release never serves a page that
    the old one rendered."""
    digest = hashlib.sha256()
    root = str(settings.BASE_DIR)
    skip = {".git", ".venv", ".venv-bench", "node_modules", "var", "docs", "tests", "bench", "__pycache__"}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".py", ".html", ".txt", ".mo", ".json")):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder[len(root) :]}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    manifest = os.path.join(str(settings.STATIC_ROOT), "staticfiles.json")
    if os.path.exists(manifest):
        digest.update(str(os.stat(manifest).st_mtime_ns).encode())
    return digest.hexdigest()[:16]


def _session_state(request) -> str:
    session = request.session
    return repr(sorted((k, repr(v)) for k, v in session.items() if k not in VOLATILE_SESSION_KEYS))


def _user_state(user) -> str:
    return repr([getattr(user, f.attname) for f in user._meta.concrete_fields if f.attname != "last_login"])


def page_key(request) -> str:
    user = request.user
    hidden = _cache_read_keys(user)
    found = cache.get_many(hidden)
    parts = [
        code_digest(),
        repr([found.get(k) for k in hidden]),
        str(user.pk),
        _user_state(user),
        _session_state(request),
        request.META.get("CSRF_COOKIE", ""),
        get_language() or "",
        timezone.localdate().isoformat(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        *(request.headers.get(h, "") for h in KEY_HEADERS),
    ]
    return PAGE_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# --- Serving ----------------------------------------------------------------------------------------


def _messages_waiting(request) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    return bool(getattr(storage, "_queued_messages", None)) or bool(storage._loaded_messages)


def eligible(request) -> bool:
    match = request.resolver_match
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and match is not None
        and match.view_name in settings.PAGE_CACHE_VIEWS
        and request.user.is_authenticated
        and "CSRF_COOKIE" in request.META
        and not _messages_waiting(request)
    )


def _storable(request, response, session_before: str) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith(STORED_TYPES)
        and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
        and not getattr(getattr(request, "_messages", None), "_queued_messages", None)
        and _session_state(request) == session_before
    )


def _seal(key: str, content: bytes) -> tuple | None:
    """The page as kept in Redis: compressed, then encrypted with SM4-GCM under the current field key and bound
    to its cache key (the pages show personal data that the database holds encrypted, GB/T 39786-2021).
    ``None`` (not kept) without an SM4 key."""
    version = settings.FIELD_SM4_KEY_VERSION
    field_key = settings.FIELD_SM4_KEYS.get(version) if settings.FIELD_CIPHER != "fernet" else None
    if field_key is None:
        return None
    nonce = os.urandom(crypto.NONCE_BYTES)
    ciphertext, tag = crypto.sm4_gcm_encrypt(field_key, nonce, zlib.compress(content, 1), key.encode())
    return version, nonce, ciphertext, tag


def _open(key: str, sealed: tuple) -> bytes | None:
    """The kept page, or ``None`` (rendered afresh) when its key version is gone or it fails its check."""
    version, nonce, ciphertext, tag = sealed
    field_key = settings.FIELD_SM4_KEYS.get(version)
    if field_key is None:
        return None
    try:
        return zlib.decompress(crypto.sm4_gcm_decrypt(field_key, nonce, ciphertext, tag, key.encode()))
    except (InvalidTag, zlib.error):
        log.warning("page cache: a kept page failed its integrity check; rendering it afresh")
        return None


def serve(request, view):
    """The kept response for this request if nothing it read has changed, else ``view()`` rendered (and kept
    when it may be). A cache that does not answer keeps nothing: the page is rendered as without it."""
    capture = getattr(request, "_page_reads", None)
    if capture is None:  # PageReadsMiddleware is not installed, or the cache did not answer it
        return view()
    try:
        key = page_key(request)
        kept = _kept_response(key, cache.get(key), capture)
    except Exception:
        log.warning("page cache: the cache did not answer; rendering the page", exc_info=True)
        return view()
    if kept is not None:
        return kept
    session_before = _session_state(request)
    capture.wrote = False  # the middleware's own bookkeeping before the view does not count
    response = view()
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if not capture.wrote and _storable(request, response, session_before):
        try:
            _keep(request, key, response, capture)
        except Exception:
            log.warning("page cache: the cache did not answer; the page is not kept", exc_info=True)
    return response


def _kept_response(key: str, entry: dict | None, capture: _Capture) -> HttpResponse | None:
    if entry is None or not _unchanged(entry["versions"], capture.before) or not _figures_unchanged(entry["figures"]):
        return None
    content = _open(key, entry["content"])
    if content is None:
        return None
    response = HttpResponse(content, status=entry["status"], headers=entry["headers"])
    response.page_cache_hit = True
    return response


def _keep(request, key: str, response, capture: _Capture) -> None:
    tables = frozenset(capture.tables - _bookkeeping()[0])
    before = capture.before
    if before is None or not tables <= before.keys():
        # The tables this address reads are known now: the next request reads their versions first.
        known = frozenset(before.keys()) if before is not None else frozenset()
        cache.set(_tables_key(request), known | tables, 24 * 3600)
        return
    sealed = _seal(key, response.content)
    if sealed is not None:
        entry = {
            "versions": {t: before[t] for t in tables},
            "figures": dict(capture.figures),
            "status": response.status_code,
            "headers": dict(response.items()),
            "content": sealed,
        }
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS)


def _tables_key(request) -> str:
    """Where the tables read at this address are noted (any person's view of it)."""
    return TABLES_PREFIX + hashlib.sha256(request.path.encode()).hexdigest()


def _unchanged(kept: dict[str, int], before: dict[str, int] | None) -> bool:
    """Whether no table the page read has been written since it was kept (as of this request's start when its
    versions were read then, as they are for every address seen before)."""
    if before is not None and kept.keys() <= before.keys():
        return all(before[t] == v for t, v in kept.items())
    return versions(kept) == kept


class PageReadsMiddleware:
    """First in ``MIDDLEWARE``: for a GET, reads the versions of the tables this address was seen to read,
    then records what the request reads (the middleware's and the view's queries) for ``serve``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or settings.PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        capture = _Capture()
        try:
            known = cache.get(_tables_key(request))
            capture.before = versions(known) if known else None
        except Exception:
            log.warning("page cache: the cache did not answer; nothing is kept", exc_info=True)
            return self.get_response(request)
        request._page_reads = capture
        token = _capture.set(capture)
        try:
            return self.get_response(request)
        finally:
            _capture.reset(token)


class PageCacheMiddleware:
    """Serves the views named in ``PAGE_CACHE_VIEWS`` through ``serve``. Last in ``MIDDLEWARE``: every check
    before it (sign-in, second factor, password change, CSRF) runs on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not eligible(request):
            return None
        return serve(request, lambda: view_func(request, *view_args, **view_kwargs))
