"""Six months without organisational life (党章 第九条): a member who, without proper reason, takes no part in
organisational life for six months in a row is regarded as having given up membership; the branch handles
the case and records the decision.

Detection (``handle_after_months`` of ``DuesSettings``, 6): a party member in the normal state (mobile
members live their organisational life elsewhere, lost-contact members are searched for), a member for the
whole period, who was recorded at the held (submitted) meetings of the period as absent without leave at
least once and present never. Leave (请假) is a proper reason. The worker (``dues.tasks.open_life_cases``)
opens one case per member (audited as the worker); the unit's decision closes it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from branches import audit
from branches.models import Attendance, AttendanceStatus, MeetingStatus, Member
from branches.models.members import PARTY_MEMBER_CATEGORIES, MemberStatus

from .ledger import add_months
from .models import DuesSettings, LifeCase


def window_start(today: datetime.date) -> datetime.date:
    return add_months(today, -DuesSettings.current().handle_after_months)


def detect(today: datetime.date) -> list[dict]:
    """Members with no organisational life in the period ending ``today`` (one grouped query)."""
    start = window_start(today)
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
    return list(
        Attendance.objects.filter(
            meeting__status=MeetingStatus.SUBMITTED,
            meeting__start__gte=begin,
            meeting__start__lt=end,
            member__status=MemberStatus.NORMAL,
            member__category__in=PARTY_MEMBER_CATEGORIES,
        )
        .filter(Q(member__join_date__isnull=True) | Q(member__join_date__lte=start))
        .values("member_id", "member__organization_id")
        .annotate(
            present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
            absent=Count("id", filter=Q(status=AttendanceStatus.ABSENT)),
            first=Min("meeting__start"),
        )
        .filter(present=0, absent__gte=1)
        .order_by("member_id")
    )


@transaction.atomic
def open_cases(*, actor=audit.SYSTEM, today: datetime.date | None = None) -> list[LifeCase]:
    """Open a case for every member detected who has no open case (run by the worker; idempotent)."""
    today = today or timezone.localdate()
    found = detect(today)
    if not found:
        return []
    already = set(
        LifeCase.objects.filter(member_id__in=[f["member_id"] for f in found], closed_at__isnull=True).values_list(
            "member_id", flat=True
        )
    )
    opened = []
    for row in found:
        if row["member_id"] in already:
            continue
        case = LifeCase.objects.create(
            organization_id=row["member__organization_id"],
            member_id=row["member_id"],
            since=window_start(today),
            absences=row["absent"],
        )
        audit.record(actor, "dues.life_case_opened", case, after=audit.snapshot(case))
        opened.append(case)
    return opened


def open_case_of(member: Member) -> LifeCase | None:
    return LifeCase.objects.filter(member=member, closed_at__isnull=True).first()


def close_with(case: LifeCase, *, actor, decision) -> None:
    """The unit's decision closes the case (inside the decision's transaction)."""
    before = audit.snapshot(case)
    case.closed_at = timezone.now()
    case.decision = decision
    case.save(update_fields=["closed_at", "decision"])
    audit.record(actor, "dues.life_case_closed", case, before=before, after=audit.snapshot(case))
