"""Queue a Celery task by its registered name.

Tasks sit on top of the services they call (``tasks.py`` imports ``services``); a service that
hands work to a worker must not import the tasks module back, or the two stand in a circle
(``scripts/check_imports.py``). It names the task instead, the way beat does
(``CELERY_BEAT_SCHEDULE``): the name is the contract, the task's module stays on top.

Task modules are imported when Django starts (``portal.apps.PortalConfig.ready``), so a name
always resolves to its task and eager mode (``CELERY_TASK_ALWAYS_EAGER``) runs it in place.
"""

from __future__ import annotations

from celery import current_app
from django.db import transaction


def enqueue(name: str, *args):
    """Send the task ``name`` with ``args`` (ids and ISO times) now."""
    return current_app.signature(name, args=args).delay()


def enqueue_on_commit(name: str, *args) -> None:
    """Send the task once the current transaction commits (nothing is sent if it rolls back)."""
    transaction.on_commit(lambda: enqueue(name, *args))
