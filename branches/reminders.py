"""What the register has due, for the portal's reminder engine (never sends anything).

- ``terms.expiring``: an organisation's term ends within 6 months (step ``6m``),
  within 1 month (``1m``) or has ended without a new term (``overdue``); to the
  secretary of the organisation and the unit admins above it.
- ``members.probation_ending``: a probationary member's probation ends within
  1 month (step ``1m``); to the branch secretary.
- ``development.overdue``: a development step past its deadline (step
  ``overdue-<step>``); to the branch secretary.
Months come from the rule data (``RegisterRule``).
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .access import holders
from .events import Due
from .meetings import reminders as _meetings
from .memberfile import reminders as _memberfile
from .models import Member, MemberCategory, Organization
from .models.members import ACTIVE_STATUSES
from .register import services as register
from .roles import Role


def _today(now) -> datetime.date:
    if isinstance(now, datetime.datetime):
        return timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    return now


def _recipients(orgs, *, with_admins: bool) -> dict[int, set[int]]:
    """Secretaries of each org (and the unit admins covering it)."""
    return holders(orgs, [Role.SECRETARY, Role.UNIT_ADMIN] if with_admins else [Role.SECRETARY])


def term_due(today: datetime.date):
    values = rules.all_values()
    first = values.get("term.remind.first_months", 6)
    second = values.get("term.remind.second_months", 1)
    horizon = rules.add_months(today, first)
    orgs = list(
        Organization.objects.filter(is_active=True, term_end__isnull=False, term_end__lte=horizon).only(
            "id", "name", "path", "term_end"
        )
    )
    people = _recipients(orgs, with_admins=True)
    for org in orgs:
        if org.term_end < today:
            step, title = "overdue", _("The term of %(org)s ended on %(date)s: hold the election (换届) now.")
        elif org.term_end <= rules.add_months(today, second):
            step, title = "1m", _("The term of %(org)s ends on %(date)s: prepare the election (换届).")
        else:
            step, title = "6m", _("The term of %(org)s ends on %(date)s: start planning the election (换届).")
        url = reverse("branches:term_list", args=[org.pk])
        for user_id in sorted(people.get(org.pk, ())):
            yield Due(
                kind="terms.expiring",
                object_type="branches.organization",
                object_id=org.pk,
                step=step,
                recipient_id=user_id,
                due_at=org.term_end,
                title=title % {"org": org.name, "date": org.term_end},
                url=url,
                urgent=step == "overdue",
                organization_id=org.pk,
            )


def development_due(today: datetime.date):
    values = rules.all_values()
    remind = values.get("development.probation.remind_months", 1)
    people = Member.objects.filter(status__in=ACTIVE_STATUSES).exclude(category=MemberCategory.FULL)
    people = list(people.select_related("organization").only("id", "name", "category", "join_date", "organization"))
    if not people:
        return
    plans = register.pipeline(people, today)
    secretaries = _recipients({m.organization for m in people}, with_admins=False)
    for member in people:
        url = reverse("branches:member_detail", args=[member.pk])
        steps = plans[member.pk]
        conversion = next((s for s in steps if s.kind == "conversion"), None)
        if conversion is None and member.category == MemberCategory.PROBATIONARY and member.join_date:
            # Registered as probationary without an admission step: the join date starts probation.
            end = rules.add_months(member.join_date, values["development.probation.months"])
            conversion = register.NextStep("conversion", "", end, end, end < today)
            steps = [*steps, conversion]
        for user_id in sorted(secretaries.get(member.organization_id, ())):
            if conversion and not conversion.overdue and conversion.due <= rules.add_months(today, remind):
                yield Due(
                    kind="members.probation_ending",
                    object_type="branches.member",
                    object_id=member.pk,
                    step="1m",
                    recipient_id=user_id,
                    due_at=conversion.due,
                    title=_("%(name)s's probation ends on %(date)s: hold the branch meeting on conversion.")
                    % {"name": member.name, "date": conversion.due},
                    url=url,
                    organization_id=member.organization_id,
                )
            for step in steps:
                if step.overdue:
                    yield Due(
                        kind="development.overdue",
                        object_type="branches.member",
                        object_id=member.pk,
                        step=f"overdue-{step.kind}",
                        recipient_id=user_id,
                        due_at=step.due,
                        title=_("%(name)s: the step “%(step)s” was due on %(date)s.")
                        % {"name": member.name, "step": step.label or _("Converted to full member"), "date": step.due},
                        url=url,
                        urgent=True,
                        organization_id=member.organization_id,
                    )


def due(now):
    today = _today(now)
    yield from term_due(today)
    yield from development_due(today)
    yield from _meetings.due(now)
    yield from _memberfile.due(now)
