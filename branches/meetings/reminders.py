"""Reminders about meetings: what is due now. Never sends anything (the engine does).

- ``meetings.not_held``: a required meeting of the current period is not held yet,
  ``remind_days_before`` days before the period ends (step ``T-N``), and ``overdue`` for the
  period just ended; to the branch secretaries.
- ``meetings.annual_not_held``: 组织生活会 / 民主评议 not held this year, in Q4; to the
  secretaries and the unit committee admins (step ``Q4``).
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import periods
from ..access import holders
from ..events import Due
from ..models import MeetingKind, MeetingSettings, Organization
from ..roles import Role
from . import compliance

ANNUAL_KINDS = ("org_life", "democratic_review")


def _recipients(orgs, roles):
    return {pk: sorted(users) for pk, users in holders(orgs, roles).items()}


def due(now: datetime.datetime):
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    conf = MeetingSettings.current()
    orgs = list(
        Organization.objects.filter(is_active=True, kind__in=["branch", "general_branch"]).only(
            "id", "name", "kind", "path"
        )
    )
    if not orgs:
        return
    secretaries = _recipients(orgs, [Role.SECRETARY])
    month, quarter = periods.period_containing("month", today), periods.period_containing("quarter", today)
    checks = []  # (period, step, urgent)
    for p in (month, quarter):
        if (p.end - today).days < conf.remind_days_before:
            checks.append((p, f"T-{conf.remind_days_before}", False))
    prev_month = month.previous()
    checks.append((prev_month, "overdue", True))
    if today.month in (1, 4, 7, 10):
        checks.append((quarter.previous(), "overdue", True))
    data = compliance.compute(orgs, [p for p, _s, _u in checks], today=today)
    for p, step, urgent in checks:
        for o in orgs:
            oc = data[(o.pk, p.key)]
            for slot in oc.slots:
                if slot.period.key != p.key or slot.status == compliance.HELD:
                    continue
                if step == "overdue" and slot.status != compliance.MISSING:
                    continue
                kind = MeetingKind(slot.kind).label
                if step == "overdue":
                    title = _("%(org)s did not hold the %(kind)s required in %(period)s; hold it and record it.")
                else:
                    title = _("%(org)s has not yet held the %(kind)s required in %(period)s; it ends on %(end)s.")
                title = title % {"org": o.name, "kind": kind, "period": p.label, "end": p.end.isoformat()}
                for user_id in secretaries.get(o.pk, []):
                    yield Due(
                        kind="meetings.not_held",
                        object_type="branches.organization",
                        object_id=o.pk,
                        step=f"{p.key}:{slot.kind}:{step}",
                        recipient_id=user_id,
                        due_at=p.end,
                        title=title,
                        url=reverse("meetings:compliance_card", args=[o.pk]),
                        urgent=urgent,
                        organization_id=o.pk,
                    )
    if today.month >= 10:
        year = periods.period_containing("year", today)
        ydata = compliance.compute(orgs, [year], today=today)
        admins = _recipients(orgs, [Role.SECRETARY, Role.UNIT_ADMIN])
        for o in orgs:
            for slot in ydata[(o.pk, year.key)].slots:
                if slot.kind not in ANNUAL_KINDS or slot.status == compliance.HELD:
                    continue
                title = _("%(org)s has not yet held this year's %(kind)s; hold it before the year ends.") % {
                    "org": o.name,
                    "kind": MeetingKind(slot.kind).label,
                }
                for user_id in admins.get(o.pk, []):
                    yield Due(
                        kind="meetings.annual_not_held",
                        object_type="branches.organization",
                        object_id=o.pk,
                        step=f"{year.key}:{slot.kind}:Q4",
                        recipient_id=user_id,
                        due_at=year.end,
                        title=title,
                        url=reverse("meetings:compliance_card", args=[o.pk]),
                        urgent=slot.status == compliance.MISSING,
                        organization_id=o.pk,
                    )
