"""我的待办 (my to-do list): what is due for the user now, and its page.

The same source as the reminder worker (``<app>.reminders.due(now)``), filtered to the user.
"""

from __future__ import annotations

import datetime
from importlib import import_module

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone


def reminder_providers() -> list:
    """Every installed app's ``reminders.due`` function (the reminder engine's sources)."""
    providers = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.reminders")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.reminders":
                raise
            continue
        if callable(getattr(module, "due", None)):
            providers.append(module.due)
    return providers


def todo_for(user, now: datetime.datetime) -> list:
    """The user's to-do items: what every app's reminder provider says is due for them.

    The same source as the reminder worker (``<app>.reminders.due(now)``), filtered
    to the user, soonest first. Apps without a ``reminders`` module add nothing.
    """
    items = []
    for due in reminder_providers():
        items.extend(item for item in due(now) if item.recipient_id == user.pk)

    def sort_key(item):
        at = item.due_at
        if isinstance(at, datetime.datetime):
            at = timezone.localdate(at) if timezone.is_aware(at) else at.date()
        return (not item.urgent, at, item.title)

    return sorted(items, key=sort_key)


@login_required
def todo(request):
    items = todo_for(request.user, timezone.now())
    return render(request, "portal/todo_list.html", {"items": items})
