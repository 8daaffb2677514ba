from celery import shared_task

from . import audit
from .register import services as register


@shared_task(name="branches.tasks.expire_transfers", ignore_result=True, acks_late=True)
def expire_transfers():
    """Mark transfer letters past their validity as expired (idempotent: reruns change nothing)."""
    return register.expire_transfers(actor=audit.SYSTEM)
