"""Helpers for the notification tests: a provider the test controls."""

import contextlib
import datetime

from django.utils import timezone

from branches.events import Due
from portal import reminder_providers

TZ = timezone.get_default_timezone()


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def due(recipient, *, kind="test.deadline", object_id=1, step="T-3", when=None, urgent=False, org=None, title=None):
    return Due(
        kind=kind,
        object_type="branches.organization",
        object_id=object_id,
        step=step,
        recipient_id=recipient.pk,
        due_at=when or at(2026, 3, 1, 0, 0),
        title=title or f"请完成事项 {object_id}（{step}）",
        url=f"/orgs/{object_id}/",
        urgent=urgent,
        organization_id=org.pk if org else None,
    )


@contextlib.contextmanager
def provider(items, *, only: bool = True):
    """Register a provider yielding ``items`` (a list, or a callable of now).

    With ``only`` (the default) the apps' own providers are set aside for the duration, so a
    test sees exactly the items it made, whatever the apps' reminders find in the test tree.
    """

    def fn(now):
        return items(now) if callable(items) else list(items)

    saved = reminder_providers._DISCOVERED
    if only:
        reminder_providers._DISCOVERED = []
    reminder_providers.register_provider(fn)
    try:
        yield fn
    finally:
        reminder_providers.unregister_provider(fn)
        reminder_providers._DISCOVERED = saved
