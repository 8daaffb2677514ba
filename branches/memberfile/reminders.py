"""Reminders of the member file (what is due now; the engine delivers each once):

- ``memberfile.political_birthday``: the member's greeting on the anniversary of joining (step = year),
  for a week from the day.
- ``memberfile.birthday_list``: the secretaries' list of this month's political birthdays (step = month),
  a common theme for the month's 主题党日.
- ``memberfile.lost_contact``: no contact for ``LOST_CONTACT_MONTHS`` months: the secretaries (step ``6m``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import holders
from ..events import Due
from ..models import Member, Organization
from ..roles import Role
from .models import LostContactRecord

GREETING_DAYS = 7
LOST_CONTACT_MONTHS = 6  # 党员失联 6 个月: the branch reports and handles the case (common practice)


def anniversary(join_date: datetime.date, year: int) -> datetime.date:
    try:
        return join_date.replace(year=year)
    except ValueError:  # 29 February
        return datetime.date(year, 2, 28)


def months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


def due(now: datetime.datetime):
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    start = today - datetime.timedelta(days=GREETING_DAYS)
    months = {today.month, start.month}
    people = list(
        Member.objects.party_members()
        .filter(join_date__isnull=False, join_date__month__in=months, join_date__lt=today.replace(day=1))
        .only("id", "name", "join_date", "user_id", "organization_id")
    )
    url = reverse("memberfile:overview")
    for m in people:
        day = anniversary(m.join_date, today.year)
        if m.user_id and start < day <= today and m.join_date.year < today.year:
            years = today.year - m.join_date.year
            yield Due(
                kind="memberfile.political_birthday",
                object_type="branches.member",
                object_id=m.pk,
                step=str(today.year),
                recipient_id=m.user_id,
                due_at=day,
                title=_("Today %(years)s years ago you joined the Communist Party of China. Happy political birthday!")
                % {"years": years},
                url="",
                organization_id=m.organization_id,
            )
    this_month = defaultdict(list)
    for m in people:
        if m.join_date.month == today.month and m.join_date.year < today.year:
            this_month[m.organization_id].append(m.name)
    lost = list(
        LostContactRecord.objects.filter(
            found_on__isnull=True, last_contact_on__lte=months_before(today, LOST_CONTACT_MONTHS)
        )
        .select_related("member")
        .only("id", "last_contact_on", "member__name", "member__organization_id")
    )
    org_ids = set(this_month) | {r.member.organization_id for r in lost}
    if not org_ids:
        return
    orgs = list(Organization.objects.filter(pk__in=org_ids).only("id", "path", "parent_id"))
    secretaries = holders(orgs, [Role.SECRETARY])
    month_key = f"{today:%Y-%m}"
    for org_id, names in this_month.items():
        title = _("Political birthdays this month: %(names)s.") % {"names": "、".join(sorted(names))}
        for user_id in sorted(secretaries.get(org_id, ())):
            yield Due(
                kind="memberfile.birthday_list",
                object_type="branches.organization",
                object_id=org_id,
                step=month_key,
                recipient_id=user_id,
                due_at=today.replace(day=1),
                title=title,
                url=f"{url}?org={org_id}",
                organization_id=org_id,
            )
    for r in lost:
        org_id = r.member.organization_id
        title = _("No contact with %(name)s since %(date)s: report and handle the case.") % {
            "name": r.member.name,
            "date": r.last_contact_on.isoformat(),
        }
        for user_id in sorted(secretaries.get(org_id, ())):
            yield Due(
                kind="memberfile.lost_contact",
                object_type="branches.lostcontactrecord",
                object_id=r.pk,
                step="6m",
                recipient_id=user_id,
                due_at=today,
                title=title,
                url=f"{url}?org={org_id}",
                urgent=True,
                organization_id=org_id,
            )
