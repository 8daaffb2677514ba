"""What is due in notices, collection and plans: read by the portal's reminder engine.

- a scheduled notice, once its time has come: every recipient (step ``on_issue``);
- a notice asking for a receipt: the recipients who have not signed, one working day before the
  deadline (``T-1``) and on the day after it (``overdue``).
Material requests and plans add their own (``collection.reminders``, ``plans.reminders``).
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .collection.reminders import due as collection_due
from .deadlines import add_working_days
from .models import NoticeRecipient, NoticeStatus
from .plans.reminders import due as plans_due

ANNOUNCE_WINDOW = datetime.timedelta(days=2)


def _notice_due(now):
    today = timezone.localdate(now)
    rows = NoticeRecipient.objects.filter(
        notice__status=NoticeStatus.PUBLISHED,
        notice__scheduled=True,
        notice__published_at__lte=now,
        notice__published_at__gt=now - ANNOUNCE_WINDOW,
        read_at__isnull=True,
    ).values_list("notice_id", "user_id", "organization_id", "notice__title", "notice__published_at")
    for notice_id, user_id, org_id, title, published_at in rows:
        yield _item("notices.scheduled", notice_id, "on_issue", user_id, published_at, title, org_id)
    # Receipts: T-1 from one working day before the deadline; overdue the day after it.
    horizon = add_working_days(today, 1)
    unsigned = NoticeRecipient.objects.filter(
        notice__status=NoticeStatus.PUBLISHED,
        notice__requires_receipt=True,
        notice__published_at__lte=now,
        notice__receipt_deadline__gte=today - datetime.timedelta(days=1),
        notice__receipt_deadline__lte=horizon,
        signed_at__isnull=True,
    ).values_list("notice_id", "user_id", "organization_id", "notice__title", "notice__receipt_deadline")
    for notice_id, user_id, org_id, title, deadline in unsigned:
        if deadline < today:
            step, at = "overdue", deadline + datetime.timedelta(days=1)
        else:
            step, at = "T-1", add_working_days(deadline, -1)
        yield _item("notices.receipt_due", notice_id, step, user_id, at, title, org_id, deadline=deadline)


def _item(kind, notice_id, step, user_id, at, title, org_id, deadline=None):
    from branches.events import Due

    text = (
        _("Please sign for the notice “%(title)s” by %(deadline)s") % {"title": title, "deadline": deadline}
        if deadline
        else _("New notice: %(title)s") % {"title": title}
    )
    return Due(
        kind=kind,
        object_type="notices.notice",
        object_id=notice_id,
        step=step,
        recipient_id=user_id,
        due_at=at,
        title=text,
        url=reverse("notices:notice_detail", args=[notice_id]),
        urgent=deadline is not None,
        organization_id=org_id,
    )


def due(now):
    yield from _notice_due(now)
    yield from collection_due(now)
    yield from plans_due(now)
