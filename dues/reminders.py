"""Dues reminders (what is due now; the portal's engine delivers them once):

- ``dues.unpaid_month``: after a month ends, the branch secretaries get the list of members who did not
  pay it (step = the month).
- ``dues.arrears_talk``: a member is ``talk_after_months`` (3) months behind: the secretaries hold a talk.
- ``dues.arrears_case``: ``handle_after_months`` (6) months behind: the case is on the unit's list
  (党章 第九条); to the secretaries and the unit admins above the branch.
- ``dues.life_case``: an open case of six months without organisational life (opened by the worker,
  ``dues.lifecases``), until the decision closes it; to the secretaries and the unit admins.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import holders
from branches.events import Due
from branches.models import Member, Organization
from branches.roles import Role

from .arrears import cases
from .ledger import add_months, first_of, ledger
from .models import DuesSettings, LifeCase


def due(now: datetime.datetime):
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    conf = DuesSettings.current()
    last = add_months(first_of(today), -1)
    members = Member.objects.all()
    lines = ledger(members, last, last)
    unpaid_by_org: dict[int, int] = defaultdict(int)
    org_of = dict(Member.objects.filter(pk__in=list(lines)).values_list("pk", "organization_id"))
    for pk, ls in lines.items():
        if ls and not ls[-1].settled:
            unpaid_by_org[org_of[pk]] += 1
    found = cases(members, today)
    life = list(
        LifeCase.objects.filter(closed_at__isnull=True)
        .select_related("member")
        .only("id", "organization_id", "since", "absences", "member__name")
    )
    org_ids = set(unpaid_by_org) | {c.member.organization_id for c in found} | {c.organization_id for c in life}
    if not org_ids:
        return
    orgs = list(Organization.objects.filter(pk__in=org_ids).only("id", "name", "path", "parent_id"))
    secretaries = holders(orgs, [Role.SECRETARY])
    admins = holders(orgs, [Role.UNIT_ADMIN])
    names = {o.pk: o.name for o in orgs}
    month_key = f"{last:%Y-%m}"
    for org_id, n in unpaid_by_org.items():
        url = f"{reverse('dues:collection')}?org={org_id}&period={month_key}&unpaid=1"
        title = _("%(n)s members of %(org)s have not paid their dues for %(month)s.") % {
            "n": n,
            "org": names[org_id],
            "month": f"{last.year}年{last.month}月",
        }
        for user_id in sorted(secretaries.get(org_id, ())):
            yield Due(
                kind="dues.unpaid_month",
                object_type="branches.organization",
                object_id=org_id,
                step=month_key,
                recipient_id=user_id,
                due_at=add_months(last, 1),
                title=title,
                url=url,
                organization_id=org_id,
            )
    for case in found:
        org_id = case.member.organization_id
        url = f"{reverse('dues:arrears')}?org={org_id}"
        since = f"{case.since:%Y-%m}"
        if case.months >= conf.handle_after_months and not case.decided:
            title = _(
                "%(name)s (%(org)s) has paid no dues for %(n)s months; handle the case under Article 9 "
                "of the Party Constitution and record the decision."
            ) % {"name": case.member.name, "org": names[org_id], "n": case.months}
            for user_id in sorted(secretaries.get(org_id, set()) | admins.get(org_id, set())):
                yield Due(
                    kind="dues.arrears_case",
                    object_type="branches.member",
                    object_id=case.member.pk,
                    step=f"6m:{since}",
                    recipient_id=user_id,
                    due_at=today,
                    title=title,
                    url=url,
                    urgent=True,
                    organization_id=org_id,
                )
        elif case.months >= conf.talk_after_months and not case.talked:
            title = _("%(name)s has paid no dues for %(n)s months; talk with them and record the talk.") % {
                "name": case.member.name,
                "n": case.months,
            }
            for user_id in sorted(secretaries.get(org_id, ())):
                yield Due(
                    kind="dues.arrears_talk",
                    object_type="branches.member",
                    object_id=case.member.pk,
                    step=f"3m:{since}",
                    recipient_id=user_id,
                    due_at=today,
                    title=title,
                    url=url,
                    organization_id=org_id,
                )
    for case in life:
        org_id = case.organization_id
        title = _(
            "%(name)s (%(org)s) has taken no part in organisational life since %(since)s; handle the case under "
            "Article 9 of the Party Constitution and record the decision."
        ) % {
            "name": case.member.name,
            "org": names[org_id],
            "since": f"{case.since.year}年{case.since.month}月{case.since.day}日",
        }
        for user_id in sorted(secretaries.get(org_id, set()) | admins.get(org_id, set())):
            yield Due(
                kind="dues.life_case",
                object_type="dues.lifecase",
                object_id=case.pk,
                step="6m",
                recipient_id=user_id,
                due_at=today,
                title=title,
                url=f"{reverse('dues:arrears_member', args=[case.member_id])}",
                urgent=True,
                organization_id=org_id,
            )
