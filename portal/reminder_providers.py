"""Where reminders come from: each installed app's ``reminders.due(now)``, plus providers registered
besides them (tests, plug-ins). The reminder engine (``portal.notifications.engine``) and 我的待办
(``portal.todo``) read this one list, so the daily digest and the page count the same things.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from importlib import import_module

from django.apps import apps

from branches.events import Due

Provider = Callable[[datetime.datetime], Iterable[Due]]

_DISCOVERED: list[Provider] | None = None
_EXTRA: list[Provider] = []


def register_provider(fn: Provider) -> Provider:
    """Add a provider besides the apps' ``reminders.due`` (tests, plug-ins)."""
    _EXTRA.append(fn)
    return fn


def unregister_provider(fn: Provider) -> None:
    if fn in _EXTRA:
        _EXTRA.remove(fn)


def providers() -> list[Provider]:
    global _DISCOVERED
    if _DISCOVERED is None:
        found = []
        for config in apps.get_app_configs():
            if config.name == "portal":
                continue
            try:
                module = import_module(f"{config.name}.reminders")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.reminders":
                    raise
                continue
            if callable(getattr(module, "due", None)):
                found.append(module.due)
        _DISCOVERED = found
    return [*_DISCOVERED, *_EXTRA]
