"""Events that lower apps announce; the portal listens and notifies people.

Lower floors never call the notifier. They send ``notify`` after commit::

    transaction.on_commit(lambda: events.notify.send(
        sender=SupervisionTask, kind="supervision.task_issued", obj=task,
        recipients=[user_ids...], title=_("..."), url=task_url, urgent=True))

and describe what is *due* (deadlines) in their ``reminders.py`` with ``Due`` items.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.dispatch import Signal
from django.utils import timezone

# kwargs: kind (str), obj (model instance), recipients (list[int] user ids), title (str),
# url (str), urgent (bool), organization_id (int | None)
notify = Signal()


@dataclass(frozen=True)
class Due:
    """One reminder that is due for one person (yielded by ``<app>/reminders.py``).

    The engine records it under the unique key (kind, object_type, object_id, step,
    recipient_id) before delivering, so it is sent once, whatever reruns.
    """

    kind: str  # e.g. "meetings.not_held", "study.assignment_due", "terms.expiring"
    object_type: str  # model label, e.g. "branches.organization"
    object_id: int
    step: str  # "T-7", "T-3", "T-1", "overdue", "6m", "1m", "on_issue", or a period key
    recipient_id: int  # user id
    due_at: datetime.date | datetime.datetime
    title: str  # a sentence in Chinese saying what to do
    url: str = ""  # where to act
    urgent: bool = False
    organization_id: int | None = None


@dataclass(frozen=True)
class TodoItem:
    """One open thing with a deadline that a person must act on now (``<app>/todo.py``: ``items(user, now)``).

    我的待办 and the daily digest's count both read these (``portal.todo``). ``object_type``/``object_id``
    name the record; a reminder of a kind the app lists in ``todo.COVERS`` is not shown twice.
    """

    kind: str
    object_type: str
    object_id: int
    title: str
    due_at: datetime.date | datetime.datetime
    url: str = ""
    urgent: bool = False
    organization_id: int | None = None


def as_datetime(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """Dates mean the start of that day in the portal's time zone (a ``Due``'s ``due_at`` may be either)."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
