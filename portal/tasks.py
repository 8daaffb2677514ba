from celery import shared_task

from . import services


@shared_task(name="portal.tasks.beat_tick", ignore_result=True)
def beat_tick():
    """Record that beat and a worker are alive; /healthz and the logs show it."""
    services.mark("beat_tick")


@shared_task(name="portal.tasks.archive_audit_log", ignore_result=True)
def archive_audit_log():
    """Daily: export audit entries older than AUDIT_RETENTION_MONTHS to var/, then prune them."""
    from .security.services import archive_and_prune_audit

    archive_and_prune_audit()
