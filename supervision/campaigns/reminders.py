"""What is due in the model-organ campaign (never sends anything; ``supervision.reminders.due`` yields these).

- Half-yearly progress: an accepted (or named) entry without progress for the current half-year, from one
  month before the half-year ends (``1m``), then ``overdue`` once it has ended without one, to the unit's
  admins. Progress for a past half-year is looked for until the next half-year's own reminder starts.
- Re-check: a named entry whose re-check is due within 7 days (``T-7``) or overdue, to the campaign's
  organisers (work committee staff).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import holders
from branches.events import Due
from branches.roles import Role

from .models import CampaignEntry, CampaignProgress, half_label


def _half(day: datetime.date) -> tuple[str, datetime.date]:
    """The half-year key of ``day`` and its last day."""
    if day.month <= 6:
        return f"{day.year}-H1", datetime.date(day.year, 6, 30)
    return f"{day.year}-H2", datetime.date(day.year, 12, 31)


def due(now=None) -> Iterable[Due]:
    now = now or timezone.now()
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    key, end = _half(today)
    previous_key, previous_end = (
        _half(datetime.date(today.year, 1, 1) - datetime.timedelta(days=1))
        if (today.month <= 6)
        else _half(datetime.date(today.year, 6, 30))
    )
    checks = []
    if today >= end - datetime.timedelta(days=30):
        checks.append((key, end, "1m"))
    elif today <= previous_end + datetime.timedelta(days=30):
        checks.append((previous_key, previous_end, "overdue"))
    entries = list(
        CampaignEntry.objects.filter(status__in=["accepted", "named"]).select_related("campaign", "organization")
    )
    if checks and entries:
        filed = set(
            CampaignProgress.objects.filter(entry__in=entries, half__in=[h for h, _e, _s in checks]).values_list(
                "entry_id", "half"
            )
        )
        admins = holders([e.organization for e in entries], [Role.UNIT_ADMIN])
        for half, last_day, step in checks:
            for e in entries:
                if (e.pk, half) in filed or e.applied_at.date() > last_day:
                    continue
                for user_id in sorted(admins.get(e.organization_id, ())):
                    yield Due(
                        kind="campaigns.progress_due",
                        object_type="supervision.campaignentry",
                        object_id=e.pk,
                        step=f"{half}:{step}",
                        recipient_id=user_id,
                        # The day the step is reached: a month before the half-year ends, or the day after.
                        due_at=last_day - datetime.timedelta(days=30)
                        if step == "1m"
                        else last_day + datetime.timedelta(days=1),
                        title=_("File the %(half)s progress of “%(title)s” (due %(deadline)s).")
                        % {"half": half_label(half), "title": e.campaign.title, "deadline": last_day},
                        url=reverse("campaigns:entry_detail", args=[e.pk]),
                        urgent=step == "overdue",
                        organization_id=e.organization_id,
                    )
    rechecks = [
        e
        for e in entries
        if e.status == "named" and e.recheck_due and e.recheck_due <= today + datetime.timedelta(days=7)
    ]
    if not rechecks:
        return
    organisers = holders([e.campaign.organization for e in rechecks], [Role.COMMITTEE_STAFF])
    for e in rechecks:
        step = "overdue" if today > e.recheck_due else "T-7"
        for user_id in sorted(organisers.get(e.campaign.organization_id, ())):
            yield Due(
                kind="campaigns.recheck_due",
                object_type="supervision.campaignentry",
                object_id=e.pk,
                step=step,
                recipient_id=user_id,
                due_at=e.recheck_due + datetime.timedelta(days=1)
                if step == "overdue"
                else e.recheck_due - datetime.timedelta(days=7),
                title=_("Re-check the model-organ title of %(org)s (due %(deadline)s).")
                % {"org": e.organization.name, "deadline": e.recheck_due},
                url=reverse("campaigns:entry_detail", args=[e.pk]),
                organization_id=e.organization_id,
            )
