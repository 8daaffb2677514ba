"""What is due in study: the portal's reminder engine reads ``due(now)``; nothing is sent here."""

from __future__ import annotations

import datetime

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import holders
from branches.events import Due
from branches.models import Member, Organization
from branches.models.members import ACTIVE_STATUSES
from branches.roles import Role

from .models import Assignment, HoursEntry, StudyPolicy
from .services import leaders_q

LEADER_ROLES = (Role.SECRETARY, Role.BRANCH_COMMITTEE, Role.COMMITTEE_STAFF)
SHORTFALL_FROM_MONTH = 10  # Q4


def _step(days_left: int) -> str | None:
    if days_left < 0:
        return "overdue"
    if days_left <= 1:
        return "T-1"
    if days_left <= 3:
        return "T-3"
    return None


def assignment_due(now) -> list[Due]:
    today = timezone.localtime(now).date()
    rows = (
        Assignment.objects.filter(
            completed_at__isnull=True,
            due_date__isnull=False,
            due_date__lte=today + datetime.timedelta(days=3),
            member__status__in=ACTIVE_STATUSES,
        )
        .select_related("module", "member")
        .only("pk", "due_date", "module__title", "member__name", "member__user_id", "member__organization_id")
    )
    url = reverse("training:my_study")
    secretaries = _secretaries_over(rows.values("member__organization_id"))
    out = []
    for a in rows.iterator(chunk_size=2000):
        step = _step((a.due_date - today).days)
        if step is None:
            continue
        if a.member.user_id is None and step != "overdue":
            continue
        if step == "overdue":
            title = _("The study module “%(t)s” was due on %(d)s: please finish it.")
        else:
            title = _("The study module “%(t)s” is due on %(d)s.")
        if a.member.user_id is not None:
            out.append(
                Due(
                    kind="study.assignment_due",
                    object_type="training.assignment",
                    object_id=a.pk,
                    step=step,
                    recipient_id=a.member.user_id,
                    due_at=a.due_date,
                    title=title % {"t": a.module.title, "d": a.due_date.isoformat()},
                    url=url,
                    urgent=step == "overdue",
                    organization_id=a.member.organization_id,
                )
            )
        if step == "overdue":
            # The laggard list for the branch secretary (the engine folds these into one daily digest).
            for sec in secretaries.get(a.member.organization_id, []):
                if sec == a.member.user_id:
                    continue
                out.append(
                    Due(
                        kind="study.assignment_overdue_laggard",
                        object_type="training.assignment",
                        object_id=a.pk,
                        step="overdue",
                        recipient_id=sec,
                        due_at=a.due_date,
                        title=_("%(name)s has not finished “%(t)s”, due on %(d)s.")
                        % {"name": a.member.name, "t": a.module.title, "d": a.due_date.isoformat()},
                        url=reverse("training:branch_matrix", args=[a.member.organization_id]),
                        organization_id=a.member.organization_id,
                    )
                )
    return out


def _secretaries_over(org_ids) -> dict[int, list[int]]:
    """The secretaries over each organisation: ``branches.access.holders`` (a grant on it, or a subtree
    grant on an ancestor; active accounts, sealed grants), two queries for any number (docs/reminders.md)."""
    orgs = Organization.objects.filter(pk__in=org_ids).only("pk", "path")
    return {pk: sorted(users) for pk, users in holders(orgs, [Role.SECRETARY]).items()}


def hours_shortfall(now) -> list[Due]:
    local = timezone.localtime(now)
    if local.month < SHORTFALL_FROM_MONTH:
        return []
    year = local.year
    policy = StudyPolicy.current()
    members = list(
        Member.objects.party_members()
        .filter(user__isnull=False)
        .values_list("pk", "user_id", "organization_id", "name")
    )
    hours = dict(
        HoursEntry.objects.filter(year=year).values("member_id").annotate(h=Sum("hours")).values_list("member_id", "h")
    )
    leaders = set(
        Member.objects.filter(leaders_q(local.date())).filter(user__isnull=False).values_list("user_id", flat=True)
    )
    secretaries = _secretaries_over({org_id for _pk, _user, org_id, _name in members})
    due_at = datetime.date(year, 12, 31)
    url = reverse("training:my_study")
    out = []
    for pk, user_id, org_id, name in members:
        target = policy.leader_annual_target_hours if user_id in leaders else policy.annual_target_hours
        have = hours.get(pk) or 0
        if have >= target:
            continue
        args = {"have": have, "target": target, "name": name}
        out.append(
            Due("study.hours_shortfall", "branches.member", pk, str(year), user_id, due_at,
                _("You have %(have)s of %(target)s study hours this year.") % args, url, False, org_id)
        )  # fmt: skip
        for sec in secretaries.get(org_id, []):
            if sec == user_id:
                continue
            out.append(
                Due("study.hours_shortfall", "branches.member", pk, str(year), sec, due_at,
                    _("%(name)s has %(have)s of %(target)s study hours this year.") % args,
                    reverse("training:branch_matrix", args=[org_id]), False, org_id)
            )  # fmt: skip
    return out


def due(now=None):
    now = now or timezone.now()
    return assignment_due(now) + hours_shortfall(now)
