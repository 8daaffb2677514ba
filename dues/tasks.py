from celery import shared_task

from branches import audit


@shared_task
def open_life_cases():
    """Daily: open the 党章 第九条 cases of members without organisational life (audited as the worker)."""
    from . import lifecases

    return len(lifecases.open_cases(actor=audit.SYSTEM))
