"""The windows of an assessment cycle, by date (Asia/Shanghai), and the rule each action follows.

A cycle's windows follow each other:

    self-assessment  from the opening to ``self_due``            (secretaries save, add evidence, submit)
    review           the day after, to ``review_due``            (unit admins review or send back)
    calibration      the day after, to ``calibration_due``       (the committee calibrates and publishes)
    notice / appeal  from publication to ``notice_until`` / ``appeal_until`` (branches appeal)

Dates are inclusive whole days in the portal's time zone. The committee may close the self-assessment or
the review window early (``self_closed_at`` / ``review_closed_at``): the next window opens at once. A branch
sent back for changes may still change and resubmit its self-assessment while the review window is open.
Deadlines are moved (extended) through ``services.reschedule_cycle``; extending a window closed early opens
it again. Pure functions: no queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AssessmentCycle, AssessmentStatus, CycleStatus

SELF, REVIEW, CALIBRATION, NOTICE = "self", "review", "calibration", "notice"
LABELS = {
    SELF: gettext_lazy("Self-assessment"),
    REVIEW: gettext_lazy("Review by the unit committee"),
    CALIBRATION: gettext_lazy("Calibration by the work committee"),
    NOTICE: gettext_lazy("Public notice and appeal"),
}


@dataclass(frozen=True)
class Window:
    code: str
    label: str
    start: datetime.date | None
    end: datetime.date
    state: str  # "past", "current" or "future"
    closed_early_at: datetime.datetime | None = None

    @property
    def is_current(self) -> bool:
        return self.state == "current"


def today_of(now=None) -> datetime.date:
    if isinstance(now, datetime.datetime):
        return timezone.localdate(now)
    if isinstance(now, datetime.date):
        return now
    return timezone.localdate()


def _day(moment) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def opens_on(cycle: AssessmentCycle) -> datetime.date:
    """The first day of the self-assessment window (cycles made before ``opens_on``: their creation day)."""
    if cycle.opens_on:
        return cycle.opens_on
    created = _day(cycle.created_at) or today_of()
    return min(created, cycle.self_due)


def self_open(cycle: AssessmentCycle, today: datetime.date) -> bool:
    return cycle.status == CycleStatus.OPEN and cycle.self_closed_at is None and today <= cycle.self_due


def review_open(cycle: AssessmentCycle, today: datetime.date) -> bool:
    return (
        cycle.status == CycleStatus.OPEN
        and not self_open(cycle, today)
        and cycle.review_closed_at is None
        and today <= cycle.review_due
    )


def calibration_open(cycle: AssessmentCycle, today: datetime.date) -> bool:
    if cycle.status == CycleStatus.CALIBRATION:
        return today <= cycle.calibration_due
    return (
        cycle.status == CycleStatus.OPEN
        and not self_open(cycle, today)
        and not review_open(cycle, today)
        and today <= cycle.calibration_due
    )


def notice_open(cycle: AssessmentCycle, today: datetime.date) -> bool:
    return cycle.status == CycleStatus.NOTICE and today <= max(cycle.notice_until, cycle.appeal_until)


def current(cycle: AssessmentCycle, now=None) -> str | None:
    """The code of the window open now, or None (between windows, past the last date, or final)."""
    today = today_of(now)
    for code, is_open in (
        (SELF, self_open),
        (REVIEW, review_open),
        (CALIBRATION, calibration_open),
        (NOTICE, notice_open),
    ):
        if is_open(cycle, today):
            return code
    return None


def timeline(cycle: AssessmentCycle, now=None) -> list[Window]:
    """The four windows with their dates as they stand (early closes included) and which one is open."""
    today = today_of(now)
    now_code = current(cycle, today)
    self_end = _day(cycle.self_closed_at) or cycle.self_due
    review_start = _day(cycle.self_closed_at) or cycle.self_due + datetime.timedelta(days=1)
    review_end = _day(cycle.review_closed_at) or cycle.review_due
    calibration_start = _day(cycle.review_closed_at) or cycle.review_due + datetime.timedelta(days=1)
    published = _day(cycle.published_at)
    rows = [
        (SELF, opens_on(cycle), self_end, cycle.self_closed_at),
        (REVIEW, review_start, review_end, cycle.review_closed_at),
        (CALIBRATION, calibration_start, published or cycle.calibration_due, None),
        (NOTICE, published, max(cycle.notice_until, cycle.appeal_until), None),
    ]
    order = [SELF, REVIEW, CALIBRATION, NOTICE]
    stage = {
        CycleStatus.OPEN: 0,
        CycleStatus.CALIBRATION: 2,
        CycleStatus.NOTICE: 3,
        CycleStatus.FINAL: 4,
    }[cycle.status]
    out = []
    for i, (code, start, end, closed) in enumerate(rows):
        if code == now_code:
            state = "current"
        elif i < stage or end < today or (now_code and i < order.index(now_code)):
            state = "past"
        else:
            state = "future"
        out.append(Window(code, str(LABELS[code]), start, end, state, closed))
    return out


def _fmt(day: datetime.date) -> str:
    return day.isoformat()


def secretary_may_edit(cycle: AssessmentCycle, assessment_status: str, now=None) -> bool:
    today = today_of(now)
    if self_open(cycle, today):
        return True
    return assessment_status == AssessmentStatus.RETURNED and review_open(cycle, today)


def require_self_window(cycle: AssessmentCycle, assessment_status: str, now=None) -> None:
    """A secretary saves, adds evidence and submits in the self-assessment window (or, sent back, in review)."""
    if secretary_may_edit(cycle, assessment_status, now):
        return
    if assessment_status == AssessmentStatus.RETURNED and cycle.status == CycleStatus.OPEN:
        end = _day(cycle.review_closed_at) or cycle.review_due
        raise ValidationError(
            _("The review window closed on %(date)s: a self-assessment sent back can no longer be changed.")
            % {"date": _fmt(end)}
        )
    end = _day(cycle.self_closed_at) or cycle.self_due
    if cycle.status == CycleStatus.OPEN:
        raise ValidationError(
            _("The self-assessment window closed on %(date)s; ask the work committee if you need more time.")
            % {"date": _fmt(end)}
        )
    raise ValidationError(_("The self-assessment window is closed."))


def require_review_window(cycle: AssessmentCycle, now=None) -> None:
    today = today_of(now)
    if review_open(cycle, today):
        return
    if self_open(cycle, today):
        raise ValidationError(
            _("Review opens when the self-assessment window closes (%(date)s).") % {"date": _fmt(cycle.self_due)}
        )
    end = _day(cycle.review_closed_at) or cycle.review_due
    raise ValidationError(_("The review window closed on %(date)s.") % {"date": _fmt(end)})


def require_calibration_window(cycle: AssessmentCycle, now=None) -> None:
    today = today_of(now)
    if calibration_open(cycle, today):
        return
    if cycle.status == CycleStatus.OPEN and (self_open(cycle, today) or review_open(cycle, today)):
        review_end = _day(cycle.review_closed_at) or cycle.review_due
        raise ValidationError(
            _(
                "Calibration opens when the review window closes (%(date)s); "
                "close the open window early if every branch is done."
            )
            % {"date": _fmt(review_end)}
        )
    raise ValidationError(
        _("The calibration window closed on %(date)s; move its date to calibrate or publish.")
        % {"date": _fmt(cycle.calibration_due)}
    )


def require_appeals_over(cycle: AssessmentCycle, now=None) -> None:
    if today_of(now) <= cycle.appeal_until:
        raise ValidationError(
            _("Results become final after the appeal window (until %(date)s).") % {"date": _fmt(cycle.appeal_until)}
        )
