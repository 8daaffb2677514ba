"""Summaries built from the reminders themselves, fed back into the sweep as ``Due`` items.

* A branch secretary gets, once a day, a line on the branch's laggards: how many people of
  the branch (and its groups) were reminded in the last day, and how many items are overdue.
* A unit admin gets, once a week (on the configured weekday), a summary of their subtree.

They travel like any other reminder (unique key, the person's digest), so they are never
sent twice. Both are computed with a fixed number of queries, whatever the tree size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import holders
from branches.events import Due
from branches.models import Organization
from branches.roles import Role

from .models import Reminder

LAGGARDS = "reminders.branch_laggards"
WEEKLY = "reminders.weekly_summary"


def _recent(since, until):
    """(organization path, recipient, step) of reminders recorded in the window: one query."""
    return list(
        Reminder.objects.filter(created_at__gt=since, created_at__lte=until, organization__isnull=False)
        .exclude(kind__in=[LAGGARDS, WEEKLY])
        .values_list("organization__path", "recipient_id", "step")
    )


def _within(rows, path):
    return [(recipient, step) for org_path, recipient, step in rows if org_path.startswith(path)]


def _recipients(role) -> list[tuple[int, int, str]]:
    """``(user id, organisation id, path)``: each organisation the role is granted on (the summary's
    subject) with the people who hold the role over it (``branches.access.holders``: active accounts,
    sealed grants). A person who also holds it over a subject higher up gets only that one's summary,
    which counts this subtree too (docs/reminders.md). Two queries."""
    subjects = list(Organization.objects.filter(grants__role=role).distinct().only("pk", "path").order_by("path"))
    held = holders(subjects, [role])
    by_pk = {o.pk: o for o in subjects}
    out = []
    for org in subjects:
        above = set().union(*(held[a] for a in org.ancestor_ids() if a in by_pk))
        out.extend((user_id, org.pk, org.path) for user_id in sorted(held[org.pk] - above))
    return out


def summary_items(now: datetime.datetime) -> list[Due]:
    local = timezone.localtime(now)
    items: list[Due] = []
    day_rows = _recent(now - datetime.timedelta(days=1), now)
    grants = [(u, Role.SECRETARY, o, p) for u, o, p in _recipients(Role.SECRETARY)]
    by_path = defaultdict(list)
    for row in day_rows:
        by_path[row[0]].append(row)
    week_rows = (
        _recent(now - datetime.timedelta(days=7), now) if local.isoweekday() == settings.NOTIFY_WEEKLY_DAY else []
    )
    if week_rows:
        grants += [(u, Role.UNIT_ADMIN, o, p) for u, o, p in _recipients(Role.UNIT_ADMIN)]
    for user_id, role, org_id, path in grants:
        if role == Role.SECRETARY:
            rows = [(r, s) for p, rr in by_path.items() if p.startswith(path) for _p, r, s in rr if r != user_id]
            if not rows:
                continue
            people = len({r for r, _s in rows})
            overdue = sum(1 for _r, s in rows if s == "overdue")
            items.append(
                Due(
                    kind=LAGGARDS,
                    object_type="branches.organization",
                    object_id=org_id,
                    step=local.date().isoformat(),
                    recipient_id=user_id,
                    due_at=now,
                    title=_("Your branch: %(people)d people have %(items)d items due, %(overdue)d overdue")
                    % {"people": people, "items": len(rows), "overdue": overdue},
                    url=reverse("branches:organization_detail", args=[org_id]),
                    organization_id=org_id,
                )
            )
        elif role == Role.UNIT_ADMIN and week_rows:
            rows = _within(week_rows, path)
            if not rows:
                continue
            year, week, _day = local.isocalendar()
            items.append(
                Due(
                    kind=WEEKLY,
                    object_type="branches.organization",
                    object_id=org_id,
                    step=f"{year}-W{week:02d}",
                    recipient_id=user_id,
                    due_at=now,
                    title=_("Weekly summary: %(items)d reminders in your units this week, %(overdue)d overdue")
                    % {"items": len(rows), "overdue": sum(1 for _r, s in rows if s == "overdue")},
                    url=reverse("branches:organization_detail", args=[org_id]),
                    organization_id=org_id,
                )
            )
    return items
