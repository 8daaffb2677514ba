from celery import shared_task

from . import services


@shared_task(name="portal.tasks.beat_tick", ignore_result=True)
def beat_tick():
    """Record that beat and a worker are alive; /healthz and the logs show it."""
    services.mark("beat_tick")
