"""我的待办 from the register and meetings.

- member: today's meetings they are expected at and have not signed in to;
- secretary (of a branch or general branch): meetings the rules still require this month / quarter (and
  last month's missed ones), and meeting drafts waiting to be submitted.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import periods
from .access import grants_of
from .events import TodoItem
from .models import Attendance, Meeting, MeetingKind, MeetingStatus
from .roles import Role

COVERS = {"meetings.not_held"}
OPEN = (MeetingStatus.PLANNED, MeetingStatus.DRAFT)


def _secretary_orgs(user):
    return [g.organization for g in grants_of(user) if g.role == Role.SECRETARY]


def items(user, now):
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    rows = (
        Attendance.objects.filter(
            member__user=user,
            signed_in_at__isnull=True,
            meeting__status__in=OPEN,
            meeting__start__gte=start,
            meeting__start__lt=start + datetime.timedelta(days=1),
            meeting__end__gte=now,
        )
        .values_list("meeting_id", "meeting__title", "meeting__start", "meeting__organization_id")
        .order_by("meeting__start")
    )
    for pk, title, at, org_id in rows:
        yield TodoItem(
            kind="meetings.sign_in",
            object_type="branches.meeting",
            object_id=pk,
            title=_("Sign in to today's meeting “%(title)s” (%(time)s)")
            % {"title": title, "time": timezone.localtime(at).strftime("%H:%M")},
            due_at=at,
            url=reverse("meetings:signin"),
            urgent=True,
            organization_id=org_id,
        )
    orgs = _secretary_orgs(user)
    if not orgs:
        return
    from .meetings import compliance

    # Drafts first: a slot whose meeting is already recorded as a draft is one thing to do (submit the
    # draft), not two; the draft's entry names it and links to its record.
    drafts = list(
        Meeting.objects.filter(organization__in=orgs, status__in=OPEN, start__lt=now)
        .values_list("pk", "title", "start", "organization_id", "kind")
        .order_by("start")
    )
    drafted = {(org_id, kind, timezone.localdate(at)) for _pk, _t, at, org_id, kind in drafts}

    def has_draft(org_id, slot):
        return any(
            o == org_id and k == slot.kind and slot.period.start <= day <= slot.period.end for o, k, day in drafted
        )

    month = periods.period_containing("month", today)
    quarter = periods.period_containing("quarter", today)
    last_month = month.previous()
    checks = [month, quarter, last_month]
    data = compliance.compute(orgs, checks, today=today)
    for org in orgs:
        for p in checks:
            oc = data.get((org.pk, p.key))
            for slot in oc.slots if oc else ():
                if slot.period.key != p.key or slot.status == compliance.HELD or has_draft(org.pk, slot):
                    continue
                if p is last_month and slot.status != compliance.MISSING:
                    continue
                yield TodoItem(
                    kind="meetings.due",
                    object_type="branches.organization",
                    object_id=org.pk,
                    title=_("%(org)s: hold and record the %(kind)s of %(period)s")
                    % {"org": org.name, "kind": MeetingKind(slot.kind).label, "period": p.label},
                    due_at=p.end,
                    url=reverse("meetings:compliance_card", args=[org.pk]),
                    urgent=p.end < today,
                    organization_id=org.pk,
                )
    for pk, title, at, org_id, _kind in drafts:
        end = periods.period_containing("month", timezone.localdate(at)).end
        yield TodoItem(
            kind="meetings.draft",
            object_type="branches.meeting",
            object_id=pk,
            title=_("Complete and submit the record of “%(title)s”") % {"title": title},
            due_at=end,
            url=reverse("meetings:meeting_record", args=[pk]),
            urgent=end < today,
            organization_id=org_id,
        )
