from celery import shared_task

from . import services


@shared_task(name="portal.tasks.beat_tick", ignore_result=True)
def beat_tick():
    """Record that beat and a worker are alive; /healthz and the logs show it."""
    services.mark("beat_tick")


# --- Reminders and notifications --------------------------------------------------
# Payloads are ids and ISO times; every task calls an idempotent service, so acks_late is safe:
# a message redelivered after a crash finds its work claimed or done and sends nothing twice.


def _at(value: str | None):
    import datetime

    from django.utils import timezone

    return datetime.datetime.fromisoformat(value) if value else timezone.now()


@shared_task(name="portal.tasks.reminder_sweep", ignore_result=True, acks_late=True)
def reminder_sweep(at: str | None = None):
    from .notifications.engine import run_sweep

    run_sweep(_at(at))


@shared_task(name="portal.tasks.dispatch_notifications", ignore_result=True, acks_late=True)
def dispatch_notifications(at: str | None = None):
    """Build the digests whose hour has come and (re)send deliveries that are due."""
    from .notifications.engine import dispatch

    dispatch(_at(at))


@shared_task(
    name="portal.tasks.build_digests",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def build_digests(user_ids: list[int], at: str | None = None):
    from .notifications.services import build_notifications

    build_notifications(user_ids, now=_at(at))


@shared_task(name="portal.tasks.deliver", ignore_result=True, acks_late=True)
def deliver(delivery_ids: list[int]):
    """Channel failures are recorded on the row with their own backoff (next_attempt_at)."""
    from .notifications.services import deliver_many

    deliver_many(delivery_ids)


@shared_task(name="portal.tasks.post_to_groups", ignore_result=True, acks_late=True)
def post_to_groups(post_ids: list[int]):
    """Group robot aggregates; failures are recorded on the row with their own backoff."""
    from .robots.services import deliver_posts

    deliver_posts(post_ids)


@shared_task(name="portal.tasks.archive_audit_log", ignore_result=True)
def archive_audit_log():
    """Daily: export audit entries older than AUDIT_RETENTION_MONTHS to var/, then prune them."""
    from .security.services import archive_and_prune_audit

    archive_and_prune_audit()


@shared_task(name="portal.tasks.verify_audit_chain", ignore_result=True)
def verify_audit_chain():
    """Daily: verify the HMAC-SM3 audit chains; the audit page shows the result (issue 24)."""
    from branches.audit_chain import verify_and_record

    verify_and_record()


@shared_task(name="portal.tasks.refresh_summaries", ignore_result=True)
def refresh_summaries(history: bool = False):
    """Recompute the dashboards' figures (current periods; with ``history`` the past two years)."""
    from branches import audit

    from .dashboards import snapshots

    snapshots.refresh_summaries(actor=audit.SYSTEM, history=history)
    # The committee's and units' default pages, rendered now rather than by their first visitor.
    from .dashboards import warming

    warming.warm_pages()
