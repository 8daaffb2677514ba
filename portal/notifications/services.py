"""Notification services: build digests and immediate notices, deliver them, read them, preferences.

Every state change here is a service (``@transaction.atomic``, audit record, side effects after
commit). The worker calls them with ``actor=branches.audit.SYSTEM``.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from branches import audit, jobs
from branches.access import has_permission
from branches.audit import snapshot
from branches.events import Due, as_datetime
from branches.models import Organization

from .. import outbound, todo
from ..rate_limits import RateLimited, take
from .channels import ChannelError
from .models import (
    STEP_LABELS,
    Channel,
    Delivery,
    DeliveryState,
    ExternalIdentity,
    Notification,
    NotificationPreference,
    Reminder,
)
from .senders import SENDERS

DIGEST_KIND = "digest"
URGENT_BUNDLE_KIND = "urgent_bundle"
# Steps of notices a person issued (a card, a task, a security notice): these alone, when marked
# urgent, go out at once and through quiet hours. Deadline steps (overdue, last day) fold into the digest.
ISSUED_STEPS = frozenset({"notice", "on_issue"})


def is_marked_urgent(reminder) -> bool:
    return reminder.urgent and reminder.step in ISSUED_STEPS


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step, step))


# --- Preferences ------------------------------------------------------------


def default_preferences() -> NotificationPreference:
    pref = NotificationPreference.objects.filter(is_default=True).first()
    return pref or NotificationPreference(is_default=True)


def preferences_for(user_ids) -> dict[int, NotificationPreference]:
    """Each user's effective preferences in two queries (their own row, else the defaults)."""
    base = default_preferences()
    own = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=list(user_ids))}
    return {uid: own.get(uid) or base for uid in user_ids}


PREF_FIELDS = ["email", "webhook", "webhook_url", "messenger", "digest_hour", "quiet_start", "quiet_end"]


def _check_preferences(pref: NotificationPreference) -> None:
    if (pref.quiet_start is None) != (pref.quiet_end is None):
        raise ValidationError(_("Give both the start and the end of the quiet hours, or neither."))
    if pref.webhook and not pref.webhook_url and not settings.NOTIFY_WEBHOOK_URL:
        raise ValidationError(_("Enter a webhook URL: this portal has no group robot configured."))
    if pref.webhook_url:
        try:
            outbound.check_url(pref.webhook_url)
        except outbound.UnsafeURL as exc:
            raise ValidationError(
                _("This robot address cannot be used: %(reason)s") % {"reason": "; ".join(exc.messages)}
            ) from None
    try:
        pref.full_clean(exclude=["user"])
    except ValidationError as exc:
        raise ValidationError(
            _("Check the preferences: %(problems)s") % {"problems": "; ".join(exc.messages)}
        ) from None


@transaction.atomic
def update_preferences(*, actor, data: dict, defaults: bool = False) -> NotificationPreference:
    """Save the actor's own preferences, or (committee staff) the portal-wide defaults."""
    if defaults:
        if not has_permission(actor, "notifications.defaults"):
            raise PermissionDenied(_("Only work committee staff may change the default notification settings."))
        pref = NotificationPreference.objects.select_for_update().filter(is_default=True).first()
        pref = pref or NotificationPreference(is_default=True)
    else:
        pref = NotificationPreference.objects.select_for_update().filter(user=actor).first()
        if pref is None:
            base = default_preferences()
            pref = NotificationPreference(user=actor, **{f: getattr(base, f) for f in PREF_FIELDS})
    before = snapshot(pref, PREF_FIELDS) if pref.pk else None
    for field in PREF_FIELDS:
        if field in data:
            setattr(pref, field, data[field])
    _check_preferences(pref)
    pref.save()
    audit.record(
        actor,
        "notifications.defaults_changed" if defaults else "notifications.preferences_changed",
        pref,
        before=before,
        after=snapshot(pref, PREF_FIELDS),
    )
    return pref


# --- Reading ------------------------------------------------------------------


def unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user) -> int:
    """One cached COUNT per user; cleared whenever their notifications change."""
    return cache.get_or_set(
        unread_key(user.pk),
        lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        timeout=300,
    )


def forget_unread(user_ids) -> None:
    cache.delete_many([unread_key(uid) for uid in user_ids])


@transaction.atomic
def mark_read(*, actor, notification: Notification, now: datetime.datetime | None = None) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        before = snapshot(notification, ["read_at"])
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
        audit.record(actor, "notification.read", notification, before=before, after=snapshot(notification, ["read_at"]))
        forget_unread([actor.pk])
        transaction.on_commit(lambda: forget_unread([actor.pk]))
    return notification


@transaction.atomic
def mark_all_read(*, actor, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    ids = list(Notification.objects.filter(recipient=actor, read_at__isnull=True).values_list("pk", flat=True))
    if ids:
        Notification.objects.filter(pk__in=ids).update(read_at=now)
        audit.record(
            actor,
            "notification.all_read",
            object_type="portal.notification",
            before={"unread": ids},
            after={"read_at": now.isoformat()},
        )
    forget_unread([actor.pk])
    transaction.on_commit(lambda: forget_unread([actor.pk]))
    return len(ids)


# --- Building notifications from reminders --------------------------------------


def _digest_body(items: list[Reminder]) -> str:
    return "\n".join(f"· {r.title}（{step_label(r.step)}）{(' ' + r.url) if r.url else ''}" for r in items)


# How many of 我的待办's items a digest spells out; the rest are counted and one link leads to the page.
DIGEST_TODO_LINES = 10


def _digest_text(new: list[Reminder], open_items: list) -> str:
    """The digest's body: what is new today, then 我的待办 itself (the list its title counts), soonest first."""
    parts = [_("New today:"), _digest_body(new)]
    if open_items:
        parts += ["", _("Your to-do list:")]
        for item in open_items[:DIGEST_TODO_LINES]:
            due = date_format(timezone.localtime(as_datetime(item.due_at)).date(), "MONTH_DAY_FORMAT")
            mark = _("overdue or urgent") if item.urgent else _("due %(date)s") % {"date": due}
            parts.append(f"· {item.title}（{mark}）")
        more = len(open_items) - DIGEST_TODO_LINES
        if more > 0:
            parts.append(ngettext("… and %(count)d more item", "… and %(count)d more items", more) % {"count": more})
        parts.append(_("See everything: %(url)s") % {"url": reverse("dashboards:todo")})
    return "\n".join(parts)


def _deliveries_for(notification, user, pref, now, messenger_ids=None) -> list[Delivery]:
    rows = []
    messenger_id = (messenger_ids or {}).get(user.pk)
    if pref.messenger and messenger_id:
        rows.append(
            Delivery(notification=notification, channel=_messenger_channel(), target=messenger_id, next_attempt_at=now)
        )
    if pref.email and user.email:
        rows.append(Delivery(notification=notification, channel=Channel.EMAIL, target=user.email, next_attempt_at=now))
    webhook_url = pref.webhook_url or settings.NOTIFY_WEBHOOK_URL
    if pref.webhook and webhook_url:
        rows.append(
            Delivery(notification=notification, channel=Channel.WEBHOOK, target=webhook_url, next_attempt_at=now)
        )
    return rows


def _messenger_channel() -> str:
    from .messenger import configured_channel

    return configured_channel()


def _messenger_ids(user_ids) -> dict[int, str]:
    """{user id: their id on the configured messenger}, one query (none when no messenger is set up)."""
    from .messenger import PROVIDER_OF

    channel = _messenger_channel()
    if not channel:
        return {}
    return dict(
        ExternalIdentity.objects.filter(user_id__in=user_ids, provider=PROVIDER_OF[channel]).values_list(
            "user_id", "subject"
        )
    )


@transaction.atomic
def build_notifications(user_ids, *, now: datetime.datetime, enqueue: bool = True) -> list[int]:
    """Turn the unsent reminders of these users into notifications (a fixed number of queries).

    Urgent reminders become an immediate notice each. The others wait for the person's
    digest: one per day, at or after their digest hour, outside their quiet hours, never
    empty. Rows are locked (``skip_locked``) so two workers never take the same reminder.
    """
    local = timezone.localtime(now)
    today, hour = local.date(), local.hour
    pending = list(
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(recipient_id__in=list(user_ids), notification__isnull=True, due_at__lte=now)
        .order_by("recipient_id", "due_at", "id")
    )
    if not pending:
        return []
    by_user: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in pending:
        by_user[reminder.recipient_id].append(reminder)
    users = get_user_model().objects.in_bulk(list(by_user))
    prefs = preferences_for(list(by_user))
    digested = set(
        Notification.objects.filter(recipient_id__in=list(by_user), digest_day=today).values_list(
            "recipient_id", flat=True
        )
    )
    inbox_url = reverse("notifications:list")
    reminder_items = None
    made: list[tuple[Notification, list[Reminder]]] = []
    for uid, items in by_user.items():
        pref = prefs[uid]
        immediate = [r for r in items if is_marked_urgent(r)]
        if len(immediate) == 1:
            r = immediate[0]
            notice = Notification(
                recipient_id=uid,
                kind=r.kind,
                title=r.title,
                url=r.url,
                object_type=r.object_type,
                object_id=r.object_id,
                urgent=True,
                created_at=now,
            )
            made.append((notice, [r]))
        elif immediate:  # several at once (one person, several targets): one message
            title = ngettext("%(count)d urgent notice", "%(count)d urgent notices", len(immediate)) % {
                "count": len(immediate)
            }
            notice = Notification(
                recipient_id=uid,
                kind=URGENT_BUNDLE_KIND,
                title=title,
                body=_digest_body(immediate),
                url=inbox_url,
                urgent=True,
                created_at=now,
            )
            made.append((notice, immediate))
        regular = [r for r in items if not is_marked_urgent(r)]
        # Deadline items flagged urgent (overdue, last day) do not wait for the digest hour, but they
        # still respect quiet hours and fold into the person's one digest of the day.
        pressing = any(r.urgent for r in regular)
        window = not pref.is_quiet(hour) and (hour >= pref.digest_hour or pressing)
        if regular and uid not in digested and window:
            # The digest counts 我的待办 (portal.todo: one source for both), and lists what is new today.
            if reminder_items is None:
                reminder_items = todo.reminder_items(now)
            open_items = todo.todo_for(users[uid], now, reminders=reminder_items)
            title = ngettext(
                "Daily digest: %(count)d item in your to-do list",
                "Daily digest: %(count)d items in your to-do list",
                len(open_items),
            ) % {"count": len(open_items)}
            digest = Notification(
                recipient_id=uid,
                kind=DIGEST_KIND,
                title=title,
                body=_digest_text(regular, open_items),
                url=inbox_url,
                digest_day=today,
                created_at=now,
            )
            made.append((digest, regular))
    if not made:
        return []
    Notification.objects.bulk_create([n for n, _items in made])
    changed = []
    for notification, items in made:
        for r in items:
            r.notification = notification
            changed.append(r)
    # Digest items: one UPDATE with a subquery (the person's digest of the day), not one per row.
    digest_items = [r.pk for n, items in made if n.is_digest for r in items]
    if digest_items:
        todays = Notification.objects.filter(recipient_id=OuterRef("recipient_id"), digest_day=today)
        Reminder.objects.filter(pk__in=digest_items).update(notification_id=Subquery(todays.values("pk")[:1]))
    urgent_items = [r for n, items in made if not n.is_digest for r in items]
    Reminder.objects.bulk_update(urgent_items, ["notification"], batch_size=500)
    deliveries = []
    messenger_ids = _messenger_ids(list(by_user))
    for notification, _items in made:
        uid = notification.recipient_id
        deliveries += _deliveries_for(notification, users[uid], prefs[uid], now, messenger_ids)
    Delivery.objects.bulk_create(deliveries, batch_size=1000)
    ids = [n.pk for n, _items in made]
    audit.record(
        audit.SYSTEM,
        "notifications.built",
        object_type="portal.notification",
        after={"notifications": ids, "reminders": len(changed), "deliveries": len(deliveries), "at": now.isoformat()},
    )
    recipients = list({n.recipient_id for n, _items in made})
    forget_unread(recipients)
    transaction.on_commit(lambda: forget_unread(recipients))
    if enqueue and deliveries:
        delivery_ids = [d.pk for d in deliveries]
        size = settings.NOTIFY_CHUNK_SIZE

        def fan_out():
            for start in range(0, len(delivery_ids), size):
                jobs.enqueue("portal.tasks.deliver", delivery_ids[start : start + size])

        transaction.on_commit(fan_out)
    return ids


# --- Reminders due: stored once, then built into notifications ------------------------------


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


# --- Delivery ------------------------------------------------------------------


def _claimable(now):
    stale = now - datetime.timedelta(seconds=settings.NOTIFY_DELIVERY_LEASE_SECONDS)
    return Q(state=DeliveryState.PENDING, next_attempt_at__lte=now) | Q(
        state=DeliveryState.SENDING, claimed_at__lt=stale
    )


def deliver_one(delivery_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Claim one delivery with a conditional UPDATE, send it, record the outcome. True if sent."""
    now = now or timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(_claimable(now))
        .update(state=DeliveryState.SENDING, claimed_at=now)
    )
    if not claimed:
        return False  # someone else has it, or it is done: never send twice
    delivery = Delivery.objects.select_related("notification").get(pk=delivery_id)
    notification = delivery.notification
    if not notification.urgent:  # quiet hours hold back everything not marked urgent, retries included
        pref = preferences_for([notification.recipient_id])[notification.recipient_id]
        local = timezone.localtime(now)
        if pref.is_quiet(local.hour):
            return _postpone(delivery, until=quiet_end_after(local, pref))
    try:
        take(delivery.channel, rate_target(delivery), now=now)
    except RateLimited as exc:
        return _postpone(delivery, until=exc.until)
    error, permanent = "", False
    try:
        SENDERS[delivery.channel](notification, delivery.target)
    except ChannelError as exc:
        error, permanent = str(exc), exc.permanent
    return _record_outcome(delivery, error=error, now=now, permanent=permanent)


def quiet_end_after(local: datetime.datetime, pref: NotificationPreference) -> datetime.datetime:
    end = local.replace(hour=pref.quiet_end, minute=0, second=0, microsecond=0)
    return end if end > local else end + datetime.timedelta(days=1)


def rate_target(delivery: Delivery) -> str:
    """Whose limit a send counts against: the mail server, one robot, one messenger application."""
    if delivery.channel == Channel.EMAIL:
        return "smtp"
    if delivery.channel == Channel.WEBHOOK:
        return hashlib.sha256(delivery.target.encode()).hexdigest()[:16]
    return "app"  # one messenger application's send quota


def _postpone(delivery: Delivery, *, until: datetime.datetime) -> bool:
    """Not an attempt: the delivery waits (quiet hours, rate limit) and is picked up again then."""
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.PENDING, next_attempt_at=until, claimed_at=None)
    return False


@transaction.atomic
def _record_outcome(delivery: Delivery, *, error: str, now: datetime.datetime, permanent: bool = False) -> bool:
    before = snapshot(delivery, ["state", "attempts", "last_error"])
    delivery.attempts += 1
    if not error:
        delivery.state, delivery.sent_at, delivery.last_error = DeliveryState.SENT, now, ""
        action = "notification.delivered"
    elif permanent or delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        delivery.state, delivery.last_error = DeliveryState.FAILED, error
        action = "notification.delivery_failed"
    else:
        delay = settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1)
        delivery.state, delivery.last_error = DeliveryState.PENDING, error
        delivery.next_attempt_at = now + datetime.timedelta(seconds=delay)
        action = "notification.delivery_retry"
    delivery.save(update_fields=["state", "attempts", "sent_at", "last_error", "next_attempt_at"])
    audit.record(
        audit.SYSTEM, action, delivery, before=before, after=snapshot(delivery, ["state", "attempts", "last_error"])
    )
    return not error


def deliver_many(delivery_ids, *, now: datetime.datetime | None = None) -> int:
    """Each delivery on its own: a failing channel never blocks the others."""
    return sum(1 for pk in delivery_ids if deliver_one(pk, now=now))


# --- Events from the lower floors ------------------------------------------------


def on_notify(sender, *, kind, obj, recipients, title, url="", urgent=False, organization_id=None, **kwargs):
    """``branches.events.notify`` receiver: record a reminder per recipient (step ``notice``).

    Urgent notices are built and delivered at once; the others join the next digest.
    """
    now = timezone.now()
    items = [
        Due(
            kind=kind,
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            step="notice",
            recipient_id=uid,
            due_at=now,
            title=str(title),
            url=url or "",
            urgent=bool(urgent),
            organization_id=organization_id,
        )
        for uid in recipients
    ]
    record_due(items, now=now)
    if urgent and recipients:
        ids = list(recipients)
        jobs.enqueue_on_commit("portal.tasks.build_digests", ids, now.isoformat())
