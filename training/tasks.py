from celery import shared_task

from . import services


@shared_task(name="training.tasks.sweep_assignments", ignore_result=True, acks_late=True)
def sweep_assignments():
    """Give people who joined an audience later (new members, transfers in) their assignment."""
    return services.sweep_assignments()
