"""Volunteer hours: per member and per organisation subtree, in a fixed number of queries. Only hours the
community confirmed count."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum

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
