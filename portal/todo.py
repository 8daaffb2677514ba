"""我的待办 (my to-do list): every open thing with a deadline the user must act on, and its page.

The single source for the page and the daily digest's count (``todo_for``).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

from branches.events import Due, TodoItem, as_datetime

from .reminder_providers import providers

log = logging.getLogger(__name__)


def reminder_providers() -> list:
    """The reminder engine's providers (portal/reminder_providers.py): one source for both."""
    return providers()


def todo_modules() -> list:
    """Every installed app's ``todo`` module with an ``items(user, now)`` function (lower floors never import
    the portal: the portal finds them by name, as it finds ``reminders``)."""
    global _TODO_MODULES
    if _TODO_MODULES is None:
        found = []
        for config in apps.get_app_configs():
            if config.name == "portal":
                continue
            try:
                module = import_module(f"{config.name}.todo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.todo":
                    raise
                continue
            if callable(getattr(module, "items", None)):
                found.append(module)
        _TODO_MODULES = found
    return _TODO_MODULES


_TODO_MODULES = None


def covered_kinds() -> set[str]:
    return set().union(*(getattr(m, "COVERS", set()) for m in todo_modules()))


def uncovered_due(items, now: datetime.datetime, covered: set[str] | None = None) -> list[Due]:
    """The reminders among ``items`` that are due by ``now`` and of a kind no ``todo`` module covers."""
    covered = covered_kinds() if covered is None else covered
    return [item for item in items if item.kind not in covered and as_datetime(item.due_at) <= now]


def reminder_items(now: datetime.datetime) -> list[Due]:
    """What the reminder providers say is due now (all people): the kinds no ``todo`` module covers."""
    covered = covered_kinds()
    out = []
    for due in reminder_providers():
        try:
            out.extend(uncovered_due(due(now), now, covered))
        except Exception:  # as in the engine: one broken app must not take the list (or the digest) down
            log.exception("reminder provider %s failed", getattr(due, "__qualname__", due))
    return out


def todo_for(user, now: datetime.datetime, *, reminders: list[Due] | None = None) -> list[TodoItem]:
    """我的待办: every open thing with a deadline the user must act on, soonest first (urgent on top).

    Two sources, one list: each app's ``todo.items(user, now)`` (open records: study modules, meetings to
    sign in to or to hold, drafts, supervision steps, self-assessments, notices to sign …) and the reminders
    due now of the kinds no ``todo`` module covers (term expiry, probation ending …). The daily digest
    counts this same list (``portal.notifications``). ``reminders``: the reminder items computed once for a
    batch of people.
    """
    items: list[TodoItem] = []
    for module in todo_modules():
        items.extend(module.items(user, now))
    seen = {(i.object_type, i.object_id, i.kind) for i in items}
    for d in reminder_items(now) if reminders is None else reminders:
        if d.recipient_id != user.pk or (d.object_type, d.object_id, d.kind) in seen:
            continue
        seen.add((d.object_type, d.object_id, d.kind))
        items.append(
            TodoItem(d.kind, d.object_type, d.object_id, d.title, d.due_at, d.url, d.urgent, d.organization_id)
        )

    def sort_key(item):
        at = item.due_at
        if isinstance(at, datetime.datetime):
            at = timezone.localdate(at) if timezone.is_aware(at) else at.date()
        return (not item.urgent, at, str(item.title))

    return sorted(items, key=sort_key)


# --- The reminders the last sweep found, per person ----------------------------------------------
# Every provider works on the whole tree at once (≈5 s at ``city``), which is right for the worker's sweep
# and wrong for one person's page. So the sweep (portal.notifications.engine.run_sweep) publishes what it
# found to the cache, one key per person under a token of that sweep, and records the token in the database
# (PortalState ``todo_reminders``); 我的待办 reads its own key: one query and two cache reads. The kinds it
# shows this way change at most once a sweep (REMINDER_SWEEP_SECONDS, 15 minutes): the page says when they
# were found. The records the apps' ``todo`` modules list (meetings, study, supervision …) stay live.
PUBLISHED = "todo:reminders"
STATE_KEY = "todo_reminders"


def _published_timeout() -> int:
    sweep = settings.CELERY_BEAT_SCHEDULE.get("reminder-sweep", {}).get("schedule", 900)
    return int(max(float(sweep) * 4, 3600))


def publish_reminders(items: list[Due], now: datetime.datetime) -> str:
    """After a sweep: each person's due reminders of the kinds no ``todo`` module covers (``items``: the
    providers' output). Returns the sweep's token."""
    from .models import PortalState

    by_person: dict[int, list[Due]] = defaultdict(list)
    for item in uncovered_due(items, now):
        by_person[item.recipient_id].append(item)
    token = uuid.uuid4().hex
    timeout = _published_timeout()
    cache.set_many({f"{PUBLISHED}:{token}:{uid}": found for uid, found in by_person.items()}, timeout)
    cache.set(f"{PUBLISHED}:{token}:ready", now.isoformat(), timeout)
    PortalState.objects.update_or_create(
        key=STATE_KEY, defaults={"at": now, "detail": {"token": token, "people": len(by_person)}}
    )
    return token


def published_reminders(user) -> tuple[list[Due] | None, datetime.datetime | None]:
    """``(items, found_at)`` from the last sweep for ``user``; ``(None, None)`` when nothing usable is
    published (no sweep yet, or the cache lost it): the caller then asks the providers itself."""
    from .models import PortalState

    state = PortalState.objects.filter(key=STATE_KEY).only("at", "detail").first()
    token = (state.detail or {}).get("token") if state else None
    if not token:
        return None, None
    found = cache.get_many([f"{PUBLISHED}:{token}:ready", f"{PUBLISHED}:{token}:{user.pk}"])
    if f"{PUBLISHED}:{token}:ready" not in found:
        return None, None
    return found.get(f"{PUBLISHED}:{token}:{user.pk}", []), state.at


def branch_summary(user, items) -> list[dict]:
    """The secretary's branches, each with its members and its open items here (one query)."""
    from django.db.models import Count, Q

    from branches.access import grants_of
    from branches.models import Organization
    from branches.roles import Role

    ids = [g.organization_id for g in grants_of(user) if g.role == Role.SECRETARY]
    if not ids:
        return []
    orgs = (
        Organization.objects.filter(pk__in=ids)
        .annotate(n_members=Count("members", filter=Q(members__status="normal"), distinct=True))
        .with_labels()
    )
    return [
        {
            "org": org,
            "members": org.n_members,
            "open": sum(1 for i in items if i.organization_id == org.pk),
            "urgent": sum(1 for i in items if i.organization_id == org.pk and i.urgent),
        }
        for org in orgs.order_by("path")
    ]


@login_required
def todo(request):
    """我的待办: the page every role starts from (the secretary's landing page)."""
    now = timezone.now()
    reminders, found_at = published_reminders(request.user)
    items = todo_for(request.user, now, reminders=reminders)
    return render(
        request,
        "portal/todo_list.html",
        {"items": items, "branches": branch_summary(request.user, items), "reminders_found_at": found_at},
    )
