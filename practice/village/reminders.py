"""Reminders about first secretaries. Never sends anything (the engine does).

- ``practice.first_secretary_term_end``: a term ends within a month (step ``1m``); to the dispatching unit's
  admins and the committee staff.
- ``practice.village_report_missing``: the quarter just ended has no work report once the grace days after
  it have passed (setting ``PRACTICE_VILLAGE_REPORT_GRACE_DAYS``, default 10, local practice); to the first
  secretary (when they have an account) and the dispatching unit's admins. Step: the quarter's key.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import periods
from branches.access import holders
from branches.events import Due
from branches.roles import Role

from .models import FirstSecretary, VillageReport

TERM_END_DAYS = 30


def grace_days() -> int:
    return int(getattr(settings, "PRACTICE_VILLAGE_REPORT_GRACE_DAYS", 10))


def due(now: datetime.datetime):
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    quarter = periods.period_containing("quarter", today).previous()
    report_due = quarter.end + datetime.timedelta(days=grace_days())
    ending = list(
        FirstSecretary.objects.filter(term_end__gte=today, term_end__lte=today + datetime.timedelta(days=TERM_END_DAYS))
        .select_related("organization", "member")
        .only("id", "village", "term_end", "organization__id", "organization__path", "member__name", "member__user_id")
    )
    missing = []
    if today > report_due:
        missing = list(
            FirstSecretary.objects.filter(term_start__lte=quarter.end, term_end__gte=quarter.start)
            .exclude(Exists(VillageReport.objects.filter(posting=OuterRef("pk"), quarter=quarter.key)))
            .select_related("organization", "member")
            .only("id", "village", "organization__id", "organization__path", "member__name", "member__user_id")
        )
    orgs = {p.organization.pk: p.organization for p in [*ending, *missing]}
    if not orgs:
        return
    admins = holders(orgs.values(), [Role.UNIT_ADMIN, Role.COMMITTEE_STAFF])
    for p in ending:
        for user_id in sorted(admins.get(p.organization_id, ())):
            yield Due(
                kind="practice.first_secretary_term_end",
                object_type="practice.firstsecretary",
                object_id=p.pk,
                step="1m",
                recipient_id=user_id,
                due_at=p.term_end - datetime.timedelta(days=TERM_END_DAYS),
                title=_("%(name)s's term as first secretary of %(village)s ends on %(date)s.")
                % {"name": p.member.name, "village": p.village, "date": p.term_end.isoformat()},
                url=reverse("practice:village_detail", args=[p.pk]),
                organization_id=p.organization_id,
            )
    for p in missing:
        recipients = set(admins.get(p.organization_id, ()))
        if p.member.user_id:
            recipients.add(p.member.user_id)
        for user_id in sorted(recipients):
            yield Due(
                kind="practice.village_report_missing",
                object_type="practice.firstsecretary",
                object_id=p.pk,
                step=quarter.key,
                recipient_id=user_id,
                due_at=report_due,
                title=_("The %(quarter)s work report of %(name)s (%(village)s) is not filed.")
                % {"quarter": quarter.label, "name": p.member.name, "village": p.village},
                url=reverse("practice:village_detail", args=[p.pk]),
                organization_id=p.organization_id,
            )
