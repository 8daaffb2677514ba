"""The reminder engine: ask every app what is due, record it once, then digest and deliver.

``run_sweep(now)``:

1. calls ``<app>.reminders.due(now)`` for every installed app (plus providers registered
   with ``portal.reminder_providers.register_provider``), keeps the items whose due time has come;
2. inserts one ``Reminder`` row per (kind, object, step, recipient) with a conflict-ignoring
   bulk insert *before* anything is delivered, so reruns and second beats add nothing;
3. records ``portal.services.mark("reminder_sweep")`` (``/healthz`` reads it);
4. fans out the recipients that have unsent reminders, in chunks of ids, to
   ``portal.tasks.build_digests``; and the deliveries that are due to ``portal.tasks.deliver``.

The database holds every due time: no task is ever scheduled far in the future.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from branches.events import Due
from branches.jobs import enqueue

from .. import services, todo
from ..reminder_providers import providers  # where reminders come from: the engine and 我的待办 read one list
from ..robots import services as robots
from . import services as notifications
from .services import as_datetime, due_deliveries, pending_recipients, record_due  # noqa: F401  (old paths)

log = logging.getLogger(__name__)


def chunked(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass
class SweepResult:
    collected: int = 0
    created: int = 0
    notifications: int = 0
    sent: int = 0
    failed_providers: tuple[str, ...] = ()


def collect(now: datetime.datetime) -> tuple[list[Due], list[str]]:
    items: list[Due] = []
    failed: list[str] = []
    for provider in providers():
        name = f"{provider.__module__}.{provider.__qualname__}"
        try:
            items.extend(d for d in provider(now) if as_datetime(d.due_at) <= now)
        except Exception:  # one broken app must not stop everyone else's reminders
            log.exception("reminder provider %s failed", name)
            failed.append(name)
    return items, failed


def dispatch(now: datetime.datetime, *, run_inline: bool = False) -> tuple[int, int]:
    """Fan out digest building and delivery in chunks of ids. Inline: do it here (the command)."""
    chunk = settings.NOTIFY_CHUNK_SIZE
    made = sent = 0
    for ids in chunked(notifications.pending_recipients(now), chunk):
        if run_inline:
            made += len(notifications.build_notifications(ids, now=now, enqueue=False))
        else:
            enqueue("portal.tasks.build_digests", ids, now.isoformat())
    grace = 0 if run_inline else settings.NOTIFY_DISPATCH_SECONDS
    for ids in chunked(notifications.due_deliveries(now, grace=grace), chunk):
        if run_inline:
            sent += notifications.deliver_many(ids, now=now)
        else:
            enqueue("portal.tasks.deliver", ids)
    # Group robots: one aggregate per robot per day, built here and sent by the workers.
    robots.build_group_posts(now)
    for ids in chunked(robots.due_posts(now), chunk):
        if run_inline:
            sent += robots.deliver_posts(ids, now=now)
        else:
            enqueue("portal.tasks.post_to_groups", ids)
    return made, sent


def run_sweep(now: datetime.datetime | None = None, *, run_inline: bool = False, fan_out: bool = True) -> SweepResult:
    """One sweep. ``run_inline`` builds and delivers here (the command); ``fan_out=False`` only records."""
    from .summaries import summary_items

    now = now or timezone.now()
    items, failed = collect(now)
    todo.publish_reminders(items, now)  # 我的待办 reads each person's share of this sweep
    created = notifications.record_due(items, now=now)
    summaries = summary_items(now)  # built on what was just recorded
    created += notifications.record_due(summaries, now=now)
    items += summaries
    services.mark("reminder_sweep", created=created, collected=len(items), failed_providers=failed)
    made, sent = dispatch(now, run_inline=run_inline) if (fan_out or run_inline) else (0, 0)
    return SweepResult(len(items), created, made, sent, tuple(failed))
