"""The 办实事 figures: items of the period's year, completed and overdue, per organisation subtree."""

from __future__ import annotations

from django.db.models import Count, Q

from branches import periods
from branches.rollup import subtree_sums

from .models import Deed, DeedStatus


def counts(orgs, year: int, today=None) -> dict[int, dict[str, int]]:
    """``{org.pk: {"total", "done", "overdue"}}`` for the items of ``year`` (one query)."""
    today = today or periods.today()
    rows = list(
        Deed.objects.filter(year=year)
        .values_list("organization__path")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=DeedStatus.DONE)),
            overdue=Count("id", filter=~Q(status=DeedStatus.DONE) & Q(deadline__lt=today)),
        )
    )
    out = {o.pk: {} for o in orgs}
    for i, key in enumerate(("total", "done", "overdue"), start=1):
        for pk, value in subtree_sums(((r[0], r[i]) for r in rows), orgs).items():
            out[pk][key] = value
    return out


def completion_rate(orgs, period):
    data = counts(orgs, period.start.year)
    return {pk: round(100 * c["done"] / c["total"], 1) if c["total"] else None for pk, c in data.items()}


def done_count(orgs, period):
    return {pk: c["done"] for pk, c in counts(orgs, period.start.year).items()}


def overdue_count(orgs, period):
    return {pk: c["overdue"] for pk, c in counts(orgs, period.start.year).items()}
