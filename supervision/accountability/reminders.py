"""What is due in 述职评议 (never sends anything; ``supervision.reminders.due`` yields these).

- Written report: T-3, T-1 and overdue before the round's report deadline, to the reporting secretary
  (the secretary recorded when the round opened, else the organisation's secretaries now).
- Rating window: when it opens (``on_issue``) and the day before it closes (``T-1``), to every rater who has
  not yet rated everyone of their panel.
Only the latest step reached is yielded; the engine de-duplicates on (kind, object, step, recipient).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import holders
from branches.events import Due
from branches.roles import Role

from .models import Rater, Reporter, ReviewRound

REPORT_STEPS = [(3, "T-3"), (1, "T-1")]


def _reached(deadline: datetime.date, step: str) -> datetime.date:
    """The day a step is reached (the engine stores a reminder once its ``due_at`` has come)."""
    if step == "overdue":
        return deadline + datetime.timedelta(days=1)
    return deadline - datetime.timedelta(days={n: d for d, n in REPORT_STEPS}[step])


def _step(deadline: datetime.date, today: datetime.date, steps) -> str | None:
    if today > deadline:
        return "overdue"
    reached = None
    for days, name in steps:
        if today >= deadline - datetime.timedelta(days=days):
            reached = name
    return reached


def due(now=None) -> Iterable[Due]:
    now = now or timezone.now()
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    reporters = list(
        Reporter.objects.filter(
            round__status=ReviewRound.Status.OPEN,
            filed_at__isnull=True,
            round__report_deadline__lte=today + datetime.timedelta(days=3),
        ).select_related("round", "organization")
    )
    without = [r.organization for r in reporters if r.secretary_id is None]
    current = holders(without, [Role.SECRETARY]) if without else {}
    for r in reporters:
        step = _step(r.round.report_deadline, today, REPORT_STEPS)
        if step is None:
            continue
        recipients = {r.secretary_id} if r.secretary_id else current.get(r.organization_id, set())
        title = (
            _("Your written report for “%(title)s” is overdue (due %(deadline)s).")
            if step == "overdue"
            else _("File your written report for “%(title)s” by %(deadline)s.")
        ) % {"title": r.round.title, "deadline": r.round.report_deadline}
        for user_id in sorted(recipients):
            yield Due(
                kind="accountability.report_deadline",
                object_type="supervision.reporter",
                object_id=r.pk,
                step=step,
                recipient_id=user_id,
                due_at=_reached(r.round.report_deadline, step),
                title=title,
                url=reverse("accountability:reporter_detail", args=[r.pk]),
                urgent=step == "overdue",
                organization_id=r.organization_id,
            )

    rounds = {
        rnd.pk: rnd
        for rnd in ReviewRound.objects.filter(
            status=ReviewRound.Status.OPEN, rating_starts__lte=today, rating_ends__gte=today
        )
    }
    if not rounds:
        return
    per_panel = defaultdict(int)
    for round_id, panel_id, n in (
        Reporter.objects.filter(round_id__in=rounds)
        .values("round_id", "panel_id")
        .annotate(n=Count("pk"))
        .values_list("round_id", "panel_id", "n")
    ):
        per_panel[(round_id, panel_id)] = n
    seats = Rater.objects.filter(round_id__in=rounds).annotate(given=Count("ratings"))
    for seat in seats:
        if seat.given >= per_panel[(seat.round_id, seat.panel_id)]:
            continue
        rnd = rounds[seat.round_id]
        step = "T-1" if today >= rnd.rating_ends - datetime.timedelta(days=1) else "on_issue"
        yield Due(
            kind="accountability.rating_window",
            object_type="supervision.rater",
            object_id=seat.pk,
            step=step,
            recipient_id=seat.user_id,
            due_at=rnd.rating_starts if step == "on_issue" else rnd.rating_ends - datetime.timedelta(days=1),
            title=_("Rate the secretaries of “%(title)s” by %(end)s.") % {"title": rnd.title, "end": rnd.rating_ends},
            url=reverse("accountability:rate_list", args=[rnd.pk]),
            organization_id=seat.panel_id,
        )
