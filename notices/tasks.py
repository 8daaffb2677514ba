from celery import shared_task

from . import services


@shared_task(name="notices.tasks.announce_notice", ignore_result=True, acks_late=True)
def announce_notice(notice_id: int, kind: str):
    """Tell a notice's recipients it was published, corrected or withdrawn. Idempotent: the reminder
    engine records one notification per (kind, notice, recipient)."""
    return services.announce(notice_id, kind)
