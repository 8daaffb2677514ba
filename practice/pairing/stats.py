"""The committee's figures about pairings, each in a fixed number of queries.

"In force during a period": started on or before its last day and not ended before its first day.
A unit is covered when one of its organisations has a pairing in force.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from branches.models import Organization
from branches.rollup import ancestors, subtree_sums

from .models import JointActivity, Pairing


def in_force(period):
    return Q(start_date__lte=period.end) & (Q(end_date__isnull=True) | Q(end_date__gte=period.start))


def covered_units(orgs, period) -> dict[int, set[int]]:
    """``{org.pk: {unit ids}}``: the units in each organisation's subtree with a pairing in force (one query)."""
    by_prefix: dict[str, set[int]] = defaultdict(set)
    rows = (
        Pairing.objects.filter(in_force(period), organization__unit__isnull=False)
        .values_list("organization__path", "organization__unit_id")
        .order_by()  # the model's ordering would join DISTINCT and leave one row per pairing
        .distinct()
    )
    for path, unit_id in rows:
        for prefix in ancestors(path):
            by_prefix[prefix].add(unit_id)
    return {o.pk: by_prefix.get(o.path, set()) for o in orgs}


def units_under(org: Organization):
    """The units with an active organisation in ``org``'s subtree, as ``{unit id: unit name}`` (one query)."""
    rows = (
        Organization.objects.filter(path__startswith=org.path, is_active=True, unit__isnull=False)
        .values_list("unit_id", "unit__name")
        .order_by()  # one row per unit: the tree's ordering (path) would keep one per organisation
        .distinct()
    )
    return dict(sorted(rows, key=lambda r: r[1]))  # unit names are unique


def activity_counts(orgs, period) -> dict[int, int]:
    rows = (
        JointActivity.objects.filter(date__gte=period.start, date__lte=period.end)
        .values_list("pairing__organization__path")
        .annotate(n=Count("id"))
    )
    return subtree_sums(rows, orgs)


def quarter_counts(pairing_ids, year: int) -> dict[int, list[int]]:
    """``{pairing id: [Q1, Q2, Q3, Q4]}`` activity counts of the year (one query)."""
    out = {pk: [0, 0, 0, 0] for pk in pairing_ids}
    rows = (
        JointActivity.objects.filter(pairing_id__in=list(pairing_ids), date__year=year)
        .values_list("pairing_id", "date__quarter")
        .annotate(n=Count("id"))
    )
    for pk, quarter, n in rows:
        out[pk][quarter - 1] = n
    return out


def participant_counts(activity_ids) -> dict[int, int]:
    """``{activity id: our participants}`` for the given activities (one query; none when there are none)."""
    if not activity_ids:
        return {}
    rows = (
        JointActivity.participants.through.objects.filter(jointactivity_id__in=list(activity_ids))
        .values_list("jointactivity_id")
        .annotate(n=Count("member_id", distinct=True))
    )
    return dict(rows)
