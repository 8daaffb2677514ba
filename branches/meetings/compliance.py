"""The one compliance service: per organisation and period, which required meetings are held, due
or missing, and the first-topic coverage. Pages, API, reminders and metrics all call ``compute``.

A rule (kind × organisation kind × period × minimum count) splits a reporting period into the
rule's own periods ("slots"): a monthly rule inside a quarter gives three slots; a rule with a
longer period than the reporting period (a yearly rule seen from a month) gives none. A slot is
*held* when enough submitted meetings of that kind started (local date) inside it, *due* while
it has not ended, and *missing* after. The number of queries does not depend on the number of
organisations, periods or meetings.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate

from .. import periods as periods_mod
from ..models import FrequencyRule, Meeting, MeetingKind, MeetingKindRule, MeetingStatus, Organization
from ..periods import Period, period_containing
from ..rollup import ancestors

HELD, DUE, MISSING = "held", "due", "missing"
PERIOD_ORDER = {"month": 0, "quarter": 1, "year": 2}


@dataclass
class Slot:
    kind: str
    period: Period
    required: int
    held: int
    status: str

    @property
    def kind_label(self):
        return MeetingKind(self.kind).label


@dataclass
class KindSummary:
    kind: str
    required: int = 0  # slots
    held: int = 0
    due: int = 0
    missing: int = 0
    meetings: int = 0

    @property
    def kind_label(self):
        return MeetingKind(self.kind).label

    @property
    def status(self):
        if self.missing:
            return MISSING
        if self.due:
            return DUE
        return HELD


@dataclass
class OrgCompliance:
    organization_id: int
    period: Period
    slots: list[Slot] = field(default_factory=list)
    first_topic_required: int = 0
    first_topic_held: int = 0

    @property
    def held(self):
        return sum(1 for s in self.slots if s.status == HELD)

    @property
    def due(self):
        return sum(1 for s in self.slots if s.status == DUE)

    @property
    def missing(self):
        return sum(1 for s in self.slots if s.status == MISSING)

    @property
    def rate(self):
        """Held ÷ (held + missing) in percent; slots still due do not count yet. None: nothing owed."""
        base = self.held + self.missing
        return round(100 * self.held / base, 1) if base else None

    @property
    def first_topic_rate(self):
        if not self.first_topic_required:
            return None
        return round(100 * self.first_topic_held / self.first_topic_required, 1)

    @property
    def status(self):
        if self.missing:
            return MISSING
        if self.due:
            return DUE
        return HELD if self.slots else None

    def by_kind(self) -> list[KindSummary]:
        rows: dict[str, KindSummary] = {}
        for s in self.slots:
            row = rows.setdefault(s.kind, KindSummary(s.kind))
            row.required += 1
            row.meetings += s.held
            setattr(row, s.status, getattr(row, s.status) + 1)
        order = list(MeetingKind.values)
        return sorted(rows.values(), key=lambda r: order.index(r.kind))


def slots_of(period: Period, rule_period: str) -> list[Period]:
    if PERIOD_ORDER[rule_period] > PERIOD_ORDER[period.kind]:
        # A yearly rule is owed by the year, not by each month or quarter.
        return []
    out, p = [], period_containing(rule_period, period.start)
    while p.start <= period.end:
        out.append(p)
        p = p.next()
    return out


def _rules():
    rules = defaultdict(list)
    for rule in FrequencyRule.objects.filter(is_active=True):
        rules[rule.organization_kind].append(rule)
    return rules


def organisation_facts(ids, *, committee: bool = True) -> tuple[set[int], set[int]]:
    """``(with_groups, with_committee)``: which of these organisations have an active party group below them,
    and which have a committee (支部工作条例): one recorded with a current seat, or enough full members that
    one is required (``structure.branch.committee_at_full_members``). A branch below that threshold has a
    secretary only and owes no committee meetings. One query (correlated subqueries on indexed keys)."""
    from ..models import CommitteeSeat, Member, MemberCategory, RegisterRule
    from ..models.members import ACTIVE_STATUSES

    rows = Organization.objects.filter(pk__in=ids).annotate(
        has_groups=Exists(Organization.objects.filter(parent_id=OuterRef("pk"), kind="group", is_active=True))
    )
    fields = ["pk", "has_groups"]
    if committee:
        full = (
            Member.objects.filter(organization_id=OuterRef("pk"), category=MemberCategory.FULL)
            .filter(status__in=ACTIVE_STATUSES)
            .order_by()
            .values("organization_id")
            .annotate(n=Count("*"))
            .values("n")
        )
        rows = rows.annotate(
            has_seat=Exists(CommitteeSeat.objects.filter(term__organization_id=OuterRef("pk"), end__isnull=True)),
            full_members=Coalesce(Subquery(full), 0),
            threshold=Subquery(
                RegisterRule.objects.filter(code="structure.branch.committee_at_full_members").values("value")[:1]
            ),
        )
        fields += ["has_seat", "full_members", "threshold"]
    with_groups, with_committee = set(), set()
    for pk, has_groups, *rest in rows.values_list(*fields):
        if has_groups:
            with_groups.add(pk)
        if rest:
            has_seat, full_members, threshold = rest
            if has_seat or full_members >= (7 if threshold is None else threshold):
                with_committee.add(pk)
    return with_groups, with_committee


def first_topic_kinds() -> set[str]:
    return set(MeetingKindRule.objects.filter(requires_first_topic=True).values_list("kind", flat=True))


def compute(organizations, period_list, *, today: datetime.date | None = None) -> dict:
    """{(org_pk, period.key): OrgCompliance} for each organisation (itself, not its subtree)."""
    today = today or periods_mod.today()
    orgs = list(organizations)
    period_list = list(period_list)
    if not orgs or not period_list:
        return {}
    rules = _rules()
    ft_kinds = first_topic_kinds()
    ids = [o.pk for o in orgs]
    needs_committee = any(r.only_with_committee for rule_list in rules.values() for r in rule_list)
    with_groups, with_committee = organisation_facts(ids, committee=needs_committee)
    # All slots of all periods: the span of dates to count.
    all_slots = {}
    for period in period_list:
        for rule_list in rules.values():
            for rule in rule_list:
                all_slots[(period.key, rule.period)] = slots_of(period, rule.period)
    starts = [period.start for period in period_list] + [s.start for v in all_slots.values() for s in v]
    ends = [period.end for period in period_list] + [s.end for v in all_slots.values() for s in v]
    lo, hi = min(starts), max(ends)
    span = Period("custom", lo, hi)
    per_day = defaultdict(list)  # (org, kind) -> [(date, n, ft)]
    rows = (
        Meeting.objects.filter(
            organization_id__in=ids,
            status=MeetingStatus.SUBMITTED,
            start__gte=span.start_datetime(),
            start__lt=span.end_datetime(),
        )
        .annotate(day=TruncDate("start"))
        .values("organization_id", "kind", "day")
        .annotate(n=Count("id"), ft=Count("id", filter=Q(has_first_topic=True)))
    )
    for row in rows:
        day = row["day"]
        if isinstance(day, datetime.datetime):
            day = day.date()
        per_day[(row["organization_id"], row["kind"])].append((day, row["n"], row["ft"]))
    # Per (org, kind): the days in order with running totals, so a period's count is two bisections
    # (the matrix asks for every month, quarter and year slot of every rule of every row).
    counts = {}
    for key, entries in per_day.items():
        entries.sort()
        days, held, ft = [], [0], [0]
        for day, n, f in entries:
            days.append(day)
            held.append(held[-1] + n)
            ft.append(ft[-1] + f)
        counts[key] = (days, held, ft)

    def count_in(org_id, kind, p: Period):
        found = counts.get((org_id, kind))
        if found is None:
            return 0, 0
        days, held, ft = found
        lo, hi = bisect_left(days, p.start), bisect_right(days, p.end)
        return held[hi] - held[lo], ft[hi] - ft[lo]

    result = {}
    for org in orgs:
        # A slot is the same for every period that holds it (each month of the matrix, and again in its year):
        # decided once per organisation.
        decided: dict[tuple, Slot] = {}
        for period in period_list:
            oc = OrgCompliance(org.pk, period)
            for rule in rules.get(org.kind, ()):
                if rule.only_with_groups and org.pk not in with_groups:
                    continue
                if rule.only_with_committee and org.pk not in with_committee:
                    continue
                for slot_period in all_slots[(period.key, rule.period)]:
                    key = (rule.kind, rule.min_count, slot_period.kind, slot_period.start, slot_period.end)
                    slot = decided.get(key)
                    if slot is None:
                        held, _ft = count_in(org.pk, rule.kind, slot_period)
                        if held >= rule.min_count:
                            status = HELD
                        elif slot_period.end >= today:
                            status = DUE
                        else:
                            status = MISSING
                        slot = decided[key] = Slot(rule.kind, slot_period, rule.min_count, held, status)
                    oc.slots.append(slot)
            for kind in ft_kinds:
                n, ft = count_in(org.pk, kind, period)
                oc.first_topic_required += n
                oc.first_topic_held += ft
            result[(org.pk, period.key)] = oc
    return result


def for_org(org, period, *, today=None) -> OrgCompliance:
    return compute([org], [period], today=today)[(org.pk, period.key)]


def card(org, *, today=None) -> list[OrgCompliance]:
    """This month, this quarter and this year for one organisation."""
    today = today or periods_mod.today()
    ps = [period_containing(k, today) for k in ("month", "quarter", "year")]
    data = compute([org], ps, today=today)
    return [data[(org.pk, p.key)] for p in ps]


def subtree_totals(roots, period, *, today=None) -> dict:
    """{root.pk: OrgCompliance-like totals} over each root's whole subtree (fixed query count)."""
    roots = list(roots)
    if not roots:
        return {}
    q = Q()
    for r in roots:
        q |= Q(path__startswith=r.path)
    members = list(Organization.objects.filter(q, is_active=True).only("id", "kind", "path"))
    data = compute(members, [period], today=today)
    totals = {r.pk: OrgCompliance(r.pk, period) for r in roots}
    roots_at = defaultdict(list)
    for r in roots:
        roots_at[r.path].append(r.pk)
    for o in members:
        oc = data[(o.pk, period.key)]
        for prefix in ancestors(o.path):
            for root_pk in roots_at.get(prefix, ()):
                agg = totals[root_pk]
                agg.slots.extend(oc.slots)
                agg.first_topic_required += oc.first_topic_required
                agg.first_topic_held += oc.first_topic_held
    return totals


@dataclass
class Fix:
    """Where to go for a slot that is not held: its draft when one exists, else a new record for it."""

    slot: Slot
    draft: Meeting | None

    @property
    def period_key(self):
        return self.slot.period.key


def fixes(org, results) -> list[Fix]:
    """For each slot due or missing in ``results`` (OrgCompliance of ``org``), the planned or draft meeting
    of that kind inside the slot, if any. One query."""
    open_slots = {}
    for oc in results:
        for s in oc.slots:
            if s.status != HELD:
                open_slots.setdefault((s.kind, s.period.key), s)
    if not open_slots:
        return []
    lo = min(s.period.start for s in open_slots.values())
    hi = max(s.period.end for s in open_slots.values())
    drafts = list(
        Meeting.objects.filter(
            organization=org,
            kind__in={k for k, _p in open_slots},
            status__in=[MeetingStatus.PLANNED, MeetingStatus.DRAFT],
            start__gte=Period("custom", lo, hi).start_datetime(),
            start__lt=Period("custom", lo, hi).end_datetime(),
        )
        .only("id", "kind", "start", "status", "title")
        .order_by("start")
    )
    out = []
    for s in open_slots.values():
        draft = next(
            (m for m in drafts if m.kind == s.kind and s.period.start_datetime() <= m.start < s.period.end_datetime()),
            None,
        )
        out.append(Fix(s, draft))
    return out
