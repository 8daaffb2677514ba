"""Volunteer hours: per member and per organisation subtree, in a fixed number of queries. Only hours the
community confirmed count."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Sum

from branches.kept import KeptFigures
from branches.models import Member
from branches.querysets import in_subtree
from branches.stats import member_counts, subtree_totals

from .models import ServiceStatus, VolunteerService


def confirmed(period):
    return VolunteerService.objects.filter(status=ServiceStatus.CONFIRMED, date__gte=period.start, date__lte=period.end)


def member_totals(member_ids, period) -> dict[int, tuple[int, Decimal]]:
    """``{member id: (activities, hours)}`` confirmed in the period (one query)."""
    out = {pk: (0, Decimal(0)) for pk in member_ids}
    rows = (
        confirmed(period)
        .filter(member_id__in=list(member_ids))
        .values_list("member_id")
        .annotate(n=Count("id"), h=Sum("hours"))
    )
    for pk, n, h in rows:
        out[pk] = (n, h or Decimal(0))
    return out


def hours_sums(orgs, period) -> dict[int, float]:
    """Confirmed volunteer hours per organisation subtree, counted as the members are
    (``branches.stats.subtree_totals``: a party group's own members through ``party_group``)."""
    totals = subtree_totals(confirmed(period), orgs, member="member", value=Sum("hours"))
    return {pk: float(v) for pk, v in totals.items()}


def member_count(org) -> int:
    """The party members in one organisation's subtree (one count, no grouping by organisation)."""
    return in_subtree(Member.objects.party_members(), "organization", org).count()


def hours_per_member(orgs, period) -> dict[int, float | None]:
    hours, people = hours_sums(orgs, period), member_counts(orgs)
    return {o.pk: round(hours[o.pk] / people[o.pk], 1) if people[o.pk] else None for o in orgs}


def totals_of(members, period) -> dict[int, tuple[int, Decimal]]:
    """``{member id: (activities, hours)}`` for the members of a queryset who served (one query)."""
    rows = (
        confirmed(period)
        .filter(member__in=members.order_by().values("pk"))
        .values_list("member_id")
        .annotate(n=Count("id"), h=Sum("hours"))
    )
    return {pk: (n, h or Decimal(0)) for pk, n, h in rows}


# The service list's line "N records, H hours in all" adds up every record its filter selects, and its hours per
# member count the organisation's party members: for the committee a province's year (125,000 records, 20 ms)
# and 100,000 members (15 ms) on every view of a 30-row page. Both are kept for ``PRACTICE_SUMMARY_SECONDS``
# under a version every write to a service record moves on (``practice.apps``), so a new or confirmed record
# counts on the next view; the register's changes reach the per-member figure within the interval.
FIGURES = KeptFigures("service", "PRACTICE_SUMMARY_SECONDS")


def list_totals(queryset, org) -> dict:
    """``{"n", "h", "members"}`` for a filtered list of service records (``members``: the party members under
    ``org``, None without one), kept under the list's own SQL: its filter and the reader's scope."""
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # ``none()``: an organisation the reader may not see
        return {"n": 0, "h": None, "members": None}
    digest = hashlib.sha256(repr((sql, params, getattr(org, "pk", None))).encode()).hexdigest()

    def compute():
        totals = queryset.aggregate(n=Count("id"), h=Sum("hours"))
        return {**totals, "members": member_count(org) if org else None}

    figures, _taken_at = FIGURES.get(("list", digest), compute)
    return figures
