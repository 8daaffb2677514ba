"""Reminders about community service. Never sends anything (the engine does).

- ``practice.service_below_target``: from the configured month of the last quarter (default October), a gentle
  reminder to each member with an account whose confirmed service this year is below the target
  (``ServiceSettings``: 2 activities or 8 hours by default); step is the year, so once a year.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import periods
from branches.events import Due
from branches.models import Member

from .models import ServiceSettings, ServiceStatus


def due(now: datetime.datetime):
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    conf = ServiceSettings.current()
    if today.month < conf.remind_from_month:
        return
    year = periods.period_containing("year", today)
    served = Q(
        volunteer_services__status=ServiceStatus.CONFIRMED,
        volunteer_services__date__gte=year.start,
        volunteer_services__date__lte=year.end,
    )
    people = (
        Member.objects.party_members()
        .filter(user__isnull=False, user__is_active=True)
        .values_list("pk", "user_id", "organization_id")
        .annotate(n=Count("volunteer_services", filter=served), h=Sum("volunteer_services__hours", filter=served))
    )
    url = reverse("practice:service_mine")
    due_at = datetime.date(today.year, conf.remind_from_month, 1)
    for pk, user_id, org_id, n, h in people:
        if conf.meets(n, h or Decimal(0)):
            continue
        yield Due(
            kind="practice.service_below_target",
            object_type="branches.member",
            object_id=pk,
            step=str(today.year),
            recipient_id=user_id,
            due_at=due_at,
            title=_(
                "A gentle reminder: this year you have %(n)s confirmed community service activities and %(h)s hours; "
                "the target is %(ta)s activities or %(th)s hours."
            )
            % {"n": n, "h": h or 0, "ta": conf.target_activities, "th": conf.target_hours},
            url=url,
            organization_id=org_id,
        )
