"""我的待办 (my to-do list): every open thing with a deadline the user must act on, and its page.

The single source for the page and the daily digest's count (``todo_for``).
"""

from __future__ import annotations

import datetime
import logging
from importlib import import_module

from django.apps import apps
from django.contrib.auth.decorators import login_required
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


def reminder_items(now: datetime.datetime) -> list[Due]:
    """What the reminder providers say is due now (all people): the kinds no ``todo`` module covers."""
    covered = set().union(*(getattr(m, "COVERS", set()) for m in todo_modules()))
    out = []
    for due in reminder_providers():
        try:
            out.extend(item for item in due(now) if item.kind not in covered and as_datetime(item.due_at) <= now)
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
    items = todo_for(request.user, timezone.now())
    return render(
        request,
        "portal/todo_list.html",
        {"items": items, "branches": branch_summary(request.user, items)},
    )
