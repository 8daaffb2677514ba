"""The development pipeline (发展党员): dated steps, what is due next, and the dates the rules derive.

* 公示 (public notice) lasts at least ``development.public_notice.min_days`` **working days** on
  the working-day calendar (holidays and 调休, ``branches.calendar``); admission cannot be recorded
  before it ends.
* 转正日期 is the day probation ends (党章 第七条: party age counts from 预备期满转为正式党员之日):
  the same calendar day one year after the branch meeting that admitted the member, or the end
  of an approved extension, never the date of the conversion meeting and never "+365 days".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, rules
from .calendar import ONE_DAY, WorkCalendar
from .history import add_event
from .models import DevelopmentStep, EventKind, Member, MemberCategory, StepKind
from .services import _require, update_member

# Which step moves a person into which category.
STEP_CATEGORY = {
    StepKind.APPLICATION: MemberCategory.APPLICANT,
    StepKind.ACTIVIST: MemberCategory.ACTIVIST,
    StepKind.CANDIDATE: MemberCategory.CANDIDATE,
    StepKind.ADMISSION: MemberCategory.PROBATIONARY,
    StepKind.CONVERSION: MemberCategory.FULL,
}
# Which steps must already exist before a step may be recorded.
STEP_NEEDS = {
    StepKind.TALK: StepKind.APPLICATION,
    StepKind.ACTIVIST: StepKind.APPLICATION,
    StepKind.CANDIDATE: StepKind.ACTIVIST,
    StepKind.PUBLIC_NOTICE: StepKind.CANDIDATE,
    StepKind.ADMISSION: StepKind.PUBLIC_NOTICE,
    StepKind.APPROVAL: StepKind.ADMISSION,
    StepKind.EXTENSION: StepKind.ADMISSION,
    StepKind.CONVERSION: StepKind.ADMISSION,
}


def full_membership_date(admission: datetime.date, extension_months: int | None = None, values=None) -> datetime.date:
    """转正日期: the same calendar day one year (the probation rule) after admission, plus any extension.

    2023-03-13 → 2024-03-13; 2024-02-29 → 2025-02-28 (the last day of February, not 365 days).
    """
    values = values if values is not None else rules.all_values()
    end = rules.add_months(admission, values.get("development.probation.months", 12))
    if extension_months:
        end = rules.add_months(end, extension_months)
    return end


def probation_end(admission: datetime.date, extension: DevelopmentStep | None, values: dict) -> datetime.date:
    return full_membership_date(admission, extension.months if extension is not None else None, values)


def public_notice_end(start: datetime.date, values: dict, calendar: WorkCalendar) -> datetime.date:
    """The last day of the 公示 that began on ``start`` (``min_days`` working days, the first included)."""
    return calendar.period_end(start, values.get("development.public_notice.min_days", 5))


@transaction.atomic
def record_step(
    *,
    actor,
    member: Member,
    kind: str,
    date: datetime.date,
    note: str = "",
    months: int | None = None,
    today: datetime.date | None = None,
) -> DevelopmentStep:
    """Record one development step with its date; moves the category when the step says so."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    _require(actor, "member.change", member.organization)
    today = today or timezone.localdate()
    if kind not in StepKind.values:
        raise ValidationError({"kind": _("Unknown development step.")})
    if date > today:
        raise ValidationError({"date": _("A step cannot be dated in the future.")})
    steps = {s.kind: s for s in DevelopmentStep.objects.filter(member=member)}
    if kind in steps:
        raise ValidationError(
            {"kind": _("This step has already been recorded (%(date)s).") % {"date": steps[kind].date}}
        )
    needed = STEP_NEEDS.get(kind)
    if needed and needed not in steps:
        raise ValidationError({"kind": _("Record the step “%(step)s” first.") % {"step": StepKind(needed).label}})
    if needed and date < steps[needed].date:
        raise ValidationError({"date": _("This step cannot be dated before the previous step.")})
    values = rules.all_values()
    if kind == StepKind.CANDIDATE:
        earliest = rules.add_months(steps[StepKind.ACTIVIST].date, values["development.cultivation.min_months"])
        if date < earliest:
            raise ValidationError(
                {
                    "date": _("An activist needs at least %(n)s months of cultivation: not before %(date)s.")
                    % {"n": values["development.cultivation.min_months"], "date": earliest}
                }
            )
    if kind == StepKind.ADMISSION:
        end = public_notice_end(steps[StepKind.PUBLIC_NOTICE].date, values, WorkCalendar())
        if date <= end:
            raise ValidationError(
                {
                    "date": _(
                        "The public notice lasts %(n)s working days and ends on %(end)s: "
                        "admission can be recorded from %(date)s."
                    )
                    % {
                        "n": values.get("development.public_notice.min_days", 5),
                        "end": end,
                        "date": end + ONE_DAY,
                    }
                }
            )
    if kind == StepKind.EXTENSION:
        low, high = values["development.extension.min_months"], values["development.extension.max_months"]
        if months is None or not low <= months <= high:
            raise ValidationError(
                {"months": _("Probation may be extended by %(low)s to %(high)s months.") % {"low": low, "high": high}}
            )
        if StepKind.CONVERSION in steps:
            raise ValidationError({"kind": _("This person is already a full member.")})
    full_date = None
    if kind == StepKind.CONVERSION:
        full_date = probation_end(steps[StepKind.ADMISSION].date, steps.get(StepKind.EXTENSION), values)
        if date < full_date:
            raise ValidationError(
                {"date": _("Probation ends on %(date)s; conversion cannot be earlier.") % {"date": full_date}}
            )
    step = DevelopmentStep.objects.create(
        member=member,
        kind=kind,
        date=date,
        note=note,
        months=months if kind == StepKind.EXTENSION else None,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    add_event(member, EventKind.DEVELOPMENT, date=date, detail=str(StepKind(kind).label), actor=actor)
    audit.record(actor, "development.step", step, after={"kind": kind, "date": date, "months": months, "note": note})
    category = STEP_CATEGORY.get(kind)
    if category and category != member.category:
        changes = {"category": category}
        if kind == StepKind.ADMISSION:
            changes["join_date"] = date
        if kind == StepKind.CONVERSION:
            # Party age counts from the end of probation, not from the conversion meeting (党章 第七条).
            changes["full_date"] = full_date
        update_member(actor=actor, member=member, **changes)
    return step


@dataclass(frozen=True)
class NextStep:
    kind: str
    label: str
    due: datetime.date | None  # deadline (overdue after it)
    earliest: datetime.date | None  # not before this date
    overdue: bool
    warning: str = ""  # e.g. the working-day calendar of that year is not loaded


def next_steps(
    member: Member,
    steps: list[DevelopmentStep],
    today: datetime.date,
    values: dict,
    calendar: WorkCalendar | None = None,
) -> list[NextStep]:
    """What is due next for one person, from their steps and the rule data (no queries when given a calendar)."""
    done = {s.kind: s for s in steps}
    result: list[NextStep] = []

    def add(kind, due=None, earliest=None, warning=""):
        result.append(NextStep(kind, str(StepKind(kind).label), due, earliest, bool(due and due < today), warning))

    if StepKind.CONVERSION in done:
        return result
    if StepKind.APPLICATION in done and StepKind.TALK not in done:
        add(
            StepKind.TALK,
            due=rules.add_months(done[StepKind.APPLICATION].date, values["development.talk.within_months"]),
        )
    if StepKind.APPLICATION in done and StepKind.ACTIVIST not in done:
        add(StepKind.ACTIVIST)
    elif StepKind.ACTIVIST in done and StepKind.CANDIDATE not in done:
        add(
            StepKind.CANDIDATE,
            earliest=rules.add_months(done[StepKind.ACTIVIST].date, values["development.cultivation.min_months"]),
        )
    elif StepKind.CANDIDATE in done and StepKind.PUBLIC_NOTICE not in done:
        add(StepKind.PUBLIC_NOTICE)
    elif StepKind.PUBLIC_NOTICE in done and StepKind.ADMISSION not in done:
        calendar = calendar or WorkCalendar()
        start = done[StepKind.PUBLIC_NOTICE].date
        end = public_notice_end(start, values, calendar)
        add(StepKind.ADMISSION, earliest=end + ONE_DAY, warning=calendar.warning(start, end))
    if StepKind.ADMISSION in done:
        admission = done[StepKind.ADMISSION].date
        if StepKind.APPROVAL not in done:
            add(StepKind.APPROVAL, due=rules.add_months(admission, values["development.approval.within_months"]))
        end = probation_end(admission, done.get(StepKind.EXTENSION), values)
        add(StepKind.CONVERSION, due=end, earliest=end)
    return result


def pipeline(members, today: datetime.date) -> dict[int, list[NextStep]]:
    """``{member.pk: next steps}`` for many people in three queries."""
    members = list(members)
    values = rules.all_values()
    calendar = WorkCalendar()
    by_member: dict[int, list[DevelopmentStep]] = {m.pk: [] for m in members}
    for step in DevelopmentStep.objects.filter(member_id__in=by_member.keys()).order_by("date"):
        by_member[step.member_id].append(step)
    return {m.pk: next_steps(m, by_member[m.pk], today, values, calendar) for m in members}
