from celery import shared_task

from . import services


@shared_task(name="supervision.tasks.sweep_cards", ignore_result=True, acks_late=True)
def sweep_cards():
    """Apply the escalation policy. Idempotent: a rerun or a redelivery issues nothing twice."""
    result = services.sweep_cards()
    return {"issued": result["issued"], "cleared": result["cleared"]}
