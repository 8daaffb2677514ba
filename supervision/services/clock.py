"""The paused deadline clock: while a rectification waits on the inspector its deadline does not run.

Rule data: ``SupervisionSettings.pause_while_waiting_on_inspector`` (on by default). Entering a status of
``Rectification.WAITING_ON_INSPECTOR`` records ``waiting_since``; leaving it moves ``effective_deadline``
on by the working days paused, in (waiting_since, today], and adds them to ``paused_days``. The changes
are saved with the status change, so its audit record carries effective_deadline before and after.
"""

from __future__ import annotations

from django.utils import timezone

from branches import audit
from branches.audit import snapshot

from ..calendar import WorkCalendar
from ..models import Rectification, SupervisionSettings


def local_day(now):
    return timezone.localdate(now) if timezone.is_aware(now) else now.date()


def clock_changes(rect: Rectification, new_status: str, today, calendar: WorkCalendar | None = None) -> dict:
    """The field changes that moving ``rect`` to ``new_status`` on ``today`` makes to its clock."""
    waiting = Rectification.WAITING_ON_INSPECTOR
    was_waiting, will_wait = rect.status in waiting, new_status in waiting
    if will_wait and rect.waiting_since is None:
        if SupervisionSettings.current().pause_while_waiting_on_inspector:
            return {"waiting_since": today}
        return {}
    if not will_wait and rect.waiting_since is not None:
        # A pause started under the rule is settled even if the rule was switched off meanwhile.
        cal = calendar or WorkCalendar()
        days = cal.working_days_between(rect.waiting_since, today) if was_waiting else 0
        changes = {"waiting_since": None}
        if days:
            changes["effective_deadline"] = cal.add_working_days(rect.effective_deadline, days)
            changes["paused_days"] = rect.paused_days + days
        return changes
    return {}


def settle_clocks(today, calendar: WorkCalendar | None = None) -> int:
    """The worker's part (run by the card sweep) when the rule and the records disagree: with the rule on,
    start the clock of items waiting on the inspector without ``waiting_since`` (waiting since before the
    rule was switched on); with the rule off, end the running pauses today (the deadline moves on by the
    working days paused). Each change is audited as the system, effective_deadline before and after."""
    cal = calendar or WorkCalendar()
    waiting = Rectification.WAITING_ON_INSPECTOR
    pausing = SupervisionSettings.current().pause_while_waiting_on_inspector
    items = Rectification.objects.select_for_update().filter(status__in=waiting, waiting_since__isnull=pausing)
    changed = 0
    for rect in items.order_by("pk")[:500]:
        if pausing:
            changes = {"waiting_since": today}
        else:
            days = cal.working_days_between(rect.waiting_since, today)
            changes = {
                "waiting_since": None,
                "effective_deadline": cal.add_working_days(rect.effective_deadline, days),
                "paused_days": rect.paused_days + days,
            }
        before = snapshot(rect)
        for field, value in changes.items():
            setattr(rect, field, value)
        rect.save(update_fields=list(changes))
        audit.record(audit.SYSTEM, "supervision.rectification_clock", rect, before=before, after=snapshot(rect))
        changed += 1
    return changed
