"""Portal-level state: operator timestamps and the health report."""

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import PortalState


def mark(key: str, **detail) -> None:
    PortalState.objects.update_or_create(key=key, defaults={"at": timezone.now(), "detail": detail})


def last(key: str):
    return PortalState.objects.filter(key=key).values_list("at", flat=True).first()


def health() -> tuple[bool, dict]:
    report: dict = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:  # any driver error means unhealthy
        healthy = False
        report["database"] = f"error: {exc.__class__.__name__}"
    try:
        from .celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        report["broker"] = "ok"
    except Exception as exc:  # broker unreachable
        healthy = False
        report["broker"] = f"error: {exc.__class__.__name__}"
    if report["database"] == "ok":
        tick = last("beat_tick")
        sweep = last("reminder_sweep")
        report["last_beat_tick"] = tick.isoformat() if tick else None
        report["last_reminder_sweep"] = sweep.isoformat() if sweep else None
        if sweep is not None:
            age = (timezone.now() - sweep).total_seconds()
            if age > settings.HEALTH_SWEEP_MAX_AGE_SECONDS:
                healthy = False
                report["reminder_sweep"] = "stale"
    report["status"] = "ok" if healthy else "unhealthy"
    return healthy, report


def forget_cached_figures() -> None:
    """Move every figure, dashboard page and kept page in the shared cache on: the database under them was replaced
    (a restore, a fresh demo seed, another database behind the same cache). Nothing is deleted, so the broker
    that shares Redis keeps its queues; the old entries expire unread."""
    from branches.kept import forget_all

    from . import pagecache
    from .dashboards.snapshots import bump_generation

    forget_all()
    bump_generation()
    pagecache.forget_all()
