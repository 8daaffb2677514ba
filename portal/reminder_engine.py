"""The reminder engine: ask every app what is due, record it once, then digest and deliver.

``run_sweep(now)``:

1. calls ``<app>.reminders.due(now)`` for every installed app (plus providers registered
   with ``register_provider``), keeps the items whose due time has come;
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from branches import audit
from branches.events import Due
from branches.models import Organization

from . import services
from .models_notifications import Delivery, DeliveryState, Reminder

log = logging.getLogger(__name__)

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


def as_datetime(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """Dates mean the start of that day in the portal's time zone."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


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


@transaction.atomic
def record_due(items: list[Due], *, now: datetime.datetime) -> int:
    """Insert the Reminder rows (conflicts ignored); returns how many are new."""
    if not items:
        return 0
    user_ids = {d.recipient_id for d in items}
    active = set(get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))
    org_ids = {d.organization_id for d in items if d.organization_id}
    orgs = set(Organization.objects.filter(pk__in=org_ids).values_list("pk", flat=True)) if org_ids else set()
    # Keys already recorded are skipped here (one query), so a rerun inserts nothing; the
    # conflict-ignoring insert below still settles races between two sweeps.
    seen = set(
        Reminder.objects.filter(kind__in={d.kind[:60] for d in items}).values_list(
            "kind", "object_type", "object_id", "step", "recipient_id"
        )
    )
    rows = []
    for d in items:
        key = (d.kind[:60], d.object_type[:100], d.object_id, str(d.step)[:30], d.recipient_id)
        if d.recipient_id not in active or key in seen:
            continue
        seen.add(key)
        rows.append(
            Reminder(
                kind=d.kind[:60],
                object_type=d.object_type[:100],
                object_id=d.object_id,
                step=str(d.step)[:30],
                recipient_id=d.recipient_id,
                due_at=as_datetime(d.due_at),
                title=str(d.title)[:300],
                url=(d.url or "")[:500],
                urgent=bool(d.urgent),
                organization_id=d.organization_id if d.organization_id in orgs else None,
                created_at=now,
            )
        )
    if not rows:
        return 0
    before = Reminder.objects.count()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    created = Reminder.objects.count() - before
    if created:
        audit.record(
            audit.SYSTEM,
            "reminders.recorded",
            object_type="portal.reminder",
            after={"created": created, "at": now.isoformat()},
        )
    return created


def pending_recipients(now: datetime.datetime) -> list[int]:
    return sorted(
        set(
            Reminder.objects.filter(notification__isnull=True, due_at__lte=now)
            .values_list("recipient_id", flat=True)
            .distinct()
        )
    )


def due_deliveries(now: datetime.datetime, *, grace: int = 0) -> list[int]:
    """Deliveries waiting for their (next) attempt, and claims left behind by a killed worker.

    ``grace`` (seconds) leaves alone deliveries that became due only just now: their task was
    enqueued when they were made, so the periodic dispatcher does not queue them a second time.
    """
    stale = now - datetime.timedelta(seconds=settings.NOTIFY_DELIVERY_LEASE_SECONDS)
    ready = now - datetime.timedelta(seconds=grace)
    return list(
        Delivery.objects.filter(
            Q(state=DeliveryState.PENDING, next_attempt_at__lte=ready)
            | Q(state=DeliveryState.SENDING, claimed_at__lt=stale)
        )
        .order_by("id")
        .values_list("pk", flat=True)
    )


def dispatch(now: datetime.datetime, *, run_inline: bool = False) -> tuple[int, int]:
    """Fan out digest building and delivery in chunks of ids. Inline: do it here (the command)."""
    from . import notifications, tasks

    chunk = settings.NOTIFY_CHUNK_SIZE
    made = sent = 0
    for ids in chunked(pending_recipients(now), chunk):
        if run_inline:
            made += len(notifications.build_notifications(ids, now=now, enqueue=False))
        else:
            tasks.build_digests.delay(ids, now.isoformat())
    grace = 0 if run_inline else settings.NOTIFY_DISPATCH_SECONDS
    for ids in chunked(due_deliveries(now, grace=grace), chunk):
        if run_inline:
            sent += notifications.deliver_many(ids, now=now)
        else:
            tasks.deliver.delay(ids)
    # Group robots: one aggregate per robot per day, built here and sent by the workers.
    from . import robots

    robots.build_group_posts(now)
    for ids in chunked(robots.due_posts(now), chunk):
        if run_inline:
            sent += robots.deliver_posts(ids, now=now)
        else:
            tasks.post_to_groups.delay(ids)
    return made, sent


def run_sweep(now: datetime.datetime | None = None, *, run_inline: bool = False, fan_out: bool = True) -> SweepResult:
    """One sweep. ``run_inline`` builds and delivers here (the command); ``fan_out=False`` only records."""
    from .reminder_summaries import summary_items

    now = now or timezone.now()
    items, failed = collect(now)
    created = record_due(items, now=now)
    summaries = summary_items(now)  # built on what was just recorded
    created += record_due(summaries, now=now)
    items += summaries
    services.mark("reminder_sweep", created=created, collected=len(items), failed_providers=failed)
    made, sent = dispatch(now, run_inline=run_inline) if (fan_out or run_inline) else (0, 0)
    return SweepResult(len(items), created, made, sent, tuple(failed))
