"""Collection figures: how many member-months owed dues and how many were paid in full.

The collection rate of an organisation for a period is settled member-months / owed member-months over
its whole subtree, for the period's months up to the current one. The list behind it
(``dues:collection``) shows exactly those member-months.
"""

from __future__ import annotations

import datetime
import os
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from branches import stats
from branches.kept import KeptFigures
from branches.models import Member
from branches.rollup import subtree_sums

from .ledger import MonthLine, dues_members, first_of, ledger, without_base


@dataclass
class Row:
    member: Member
    line: MonthLine


def period_months(period, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date] | None:
    """First and last month of ``period`` that have begun by ``today`` (None if none has)."""
    today = today or timezone.localdate()
    last = min(first_of(period.end), first_of(today))
    first = first_of(period.start)
    return (first, last) if first <= last else None


def subtree_members(org):
    return Member.objects.filter(organization__path__startswith=org.path)


# --- The dues page's month figures: a summary kept between views -----------------------------------
# The committee's page reads every member-month of the city (20,000 members × 12 months: 1.8 s). The figures
# are kept per organisation and span for ``DUES_SUMMARY_SECONDS`` (by default 15 minutes) under a version that
# every write to payments, bases and reductions moves on (``changed``, from the models' signals and the payroll
# import's bulk insert), so a treasurer sees their own entries at once; changes to the register itself
# (a member transferred or admitted) show within the interval. The page says when the figures were taken.
FIGURES = KeptFigures("dues", "DUES_SUMMARY_SECONDS")
changed = FIGURES.changed


def _parts(org, span) -> tuple:
    return (org.pk, f"{span[0]:%Y%m}", f"{span[1]:%Y%m}")


def summary_key(org, span) -> str:
    return FIGURES.key(*_parts(org, span))


def month_counts(org, span) -> tuple[dict[datetime.date, tuple[int, int]], datetime.datetime]:
    """``({month: (settled, owed)}, taken_at)``: member-months of ``org``'s subtree over ``span``."""

    def compute():
        per_month: dict[datetime.date, tuple[int, int]] = {}
        for lines in ledger(subtree_members(org), *span).values():
            for line in lines:
                settled, owed = per_month.get(line.month, (0, 0))
                per_month[line.month] = (settled + line.settled, owed + 1)
        return per_month

    return FIGURES.get(_parts(org, span), compute)


def without_base_count(org) -> int:
    """Dues-paying members of ``org``'s subtree with no base yet: kept with the month figures (a base written
    moves both on; 100,000 members at province took 50 ms a view)."""
    count, _taken_at = FIGURES.get(("without_base", org.pk), lambda: without_base(subtree_members(org)).count())
    return count


def rows(org, period, *, unpaid_only: bool = False, today=None) -> list[Row]:
    """Every member-month of ``org``'s subtree owing dues in ``period``: the list behind the figures."""
    span = period_months(period, today)
    if span is None:
        return []
    members = subtree_members(org)
    lines = ledger(members, *span)
    people = {
        m.pk: m
        for m in dues_members(members)
        .filter(pk__in=list(lines))
        .select_related("organization__unit")
        .defer("id_number", "phone")
    }
    out = [Row(people[pk], line) for pk, ls in lines.items() for line in ls if not (unpaid_only and line.settled)]
    out.sort(key=lambda r: (r.line.month, r.member.organization.path, r.member.name, r.member.pk))
    return out


def _common_prefix(orgs) -> str:
    """The path of the deepest organisation whose subtree holds all of ``orgs``."""
    prefix = os.path.commonprefix([o.path for o in orgs])
    return prefix[: prefix.rfind("/") + 1] or "/"


def counts(orgs, period, today=None) -> dict[int, tuple[int, int]]:
    """``{org.pk: (settled, owed)}`` member-months over each subtree, fixed number of queries."""
    orgs = list(orgs)
    span = period_months(period, today) if orgs else None
    if span is None:
        return {o.pk: (0, 0) for o in orgs}
    key = ("dues.counts", tuple(o.pk for o in orgs), span)
    return stats.shared(key, lambda: _counts(orgs, span))


def _counts(orgs, span) -> dict[int, tuple[int, int]]:
    prefix = _common_prefix(orgs)
    members = Member.objects.filter(organization__path__startswith=prefix)
    if stats.memoizing():
        # A refresh asks for every month, quarter and year of two years: a month's line does not depend on
        # the span it is read in, so each calendar year's ledger is worked out once and every period within
        # it is summed from that (2 ledgers instead of 34 for the dashboards' history).
        year = (datetime.date(span[0].year, 1, 1), datetime.date(span[0].year, 12, 1))
        key = ("dues.path_months", prefix, year)
        by_path_month = stats.shared(key, lambda: _path_months(members, year))
    else:
        by_path_month = _path_months(members, span)
    owed, settled = defaultdict(int), defaultdict(int)
    for (path, month), (s, o) in by_path_month.items():
        if span[0] <= month <= span[1]:
            owed[path] += o
            settled[path] += s
    owed, settled = subtree_sums(owed, orgs), subtree_sums(settled, orgs)
    return {o.pk: (settled[o.pk], owed[o.pk]) for o in orgs}


def _path_months(members, span) -> dict[tuple[str, datetime.date], tuple[int, int]]:
    """``{(organisation path, month): (settled, owed)}`` member-months of ``members`` over ``span``."""
    paths = dict(dues_members(members).values_list("pk", "organization__path"))
    out: dict[tuple[str, datetime.date], list[int]] = {}
    for pk, lines in ledger(members, *span).items():
        path = paths[pk]
        for line in lines:
            cell = out.setdefault((path, line.month), [0, 0])
            cell[0] += line.settled
            cell[1] += 1
    return {k: (s, o) for k, (s, o) in out.items()}


def rate(settled: int, owed: int) -> float | None:
    return round(100.0 * settled / owed, 1) if owed else None
