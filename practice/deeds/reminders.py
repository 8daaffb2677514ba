"""Reminders about the 办实事 list. Never sends anything (the engine does).

- ``practice.deed_due``: an item not completed 7 days before its deadline (step ``T-7``) and once it is past
  (step ``overdue``, urgent); to the responsible person (when they have an account) and the secretaries and
  unit admins over the organisation keeping the list.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import holders
from branches.events import Due
from branches.roles import Role

from .models import Deed, DeedStatus

DAYS_BEFORE = 7


def due(now: datetime.datetime):
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    items = list(
        Deed.objects.exclude(status=DeedStatus.DONE)
        .filter(deadline__lte=today + datetime.timedelta(days=DAYS_BEFORE))
        .select_related("organization", "responsible_person")
        .only("id", "title", "deadline", "organization__id", "organization__path", "responsible_person__user_id")
    )
    if not items:
        return
    orgs = {d.organization.pk: d.organization for d in items}
    keepers = holders(orgs.values(), [Role.SECRETARY, Role.UNIT_ADMIN])
    for d in items:
        overdue = d.deadline < today
        step = "overdue" if overdue else f"T-{DAYS_BEFORE}"
        due_at = (
            d.deadline + datetime.timedelta(days=1) if overdue else d.deadline - datetime.timedelta(days=DAYS_BEFORE)
        )
        recipients = set(keepers.get(d.organization_id, ()))
        if d.responsible_person and d.responsible_person.user_id:
            recipients.add(d.responsible_person.user_id)
        title = (
            _("The practical item “%(title)s” is past its deadline (%(date)s) and not completed.")
            if overdue
            else _("The practical item “%(title)s” is due on %(date)s.")
        ) % {"title": d.title, "date": d.deadline.isoformat()}
        for user_id in sorted(recipients):
            yield Due(
                kind="practice.deed_due",
                object_type="practice.deed",
                object_id=d.pk,
                step=step,
                recipient_id=user_id,
                due_at=due_at,
                title=title,
                url=reverse("practice:deed_detail", args=[d.pk]),
                urgent=overdue,
                organization_id=d.organization_id,
            )
