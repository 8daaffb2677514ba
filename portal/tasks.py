from celery import shared_task

from . import services


@shared_task(name="portal.tasks.beat_tick", ignore_result=True)
def beat_tick():
    """Record that beat and a worker are alive; /healthz and the logs show it."""
    services.mark("beat_tick")


@shared_task(name="portal.tasks.refresh_summaries", ignore_result=True)
def refresh_summaries(history: bool = False):
    """Recompute the dashboards' figures (current periods; with ``history`` the past two years)."""
    from branches import audit

    from . import dashboards

    dashboards.refresh_summaries(actor=audit.SYSTEM, history=history)
