"""Member structure as in the party statistics (党内统计): counts per organisation subtree.

``structure_many(orgs, on)`` answers, for each organisation, how its whole subtree's
members split by age band, education, gender, ethnicity, years of membership and
development stage, in a fixed number of queries (one grouped query over members,
one over organisation paths), whatever the number of organisations or members.
The buckets are published as metrics (``branches/metrics.py``) so the
dashboards and any other reader count the same way.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left
from collections import defaultdict
from contextlib import contextmanager

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .kept import KeptFigures
from .models import Member, Organization
from .models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES, MemberCategory

# (key, label, lower bound in years inclusive, upper bound exclusive)
AGE_BANDS = [
    ("under_35", _("Under 35"), 0, 35),
    ("35_45", _("35 to 45"), 35, 46),
    ("46_55", _("46 to 55"), 46, 56),
    ("56_plus", _("56 and over"), 56, 200),
]
YEARS_BANDS = [
    ("under_5", _("Under 5 years"), 0, 5),
    ("5_10", _("5 to 10 years"), 5, 11),
    ("11_20", _("11 to 20 years"), 11, 21),
    ("21_plus", _("21 years and more"), 21, 200),
]
EDUCATION_GROUPS = [
    ("postgraduate", _("Postgraduate"), ("研究生", "博士", "硕士", "博士研究生", "硕士研究生")),
    ("bachelor", _("Bachelor"), ("大学本科", "本科")),
    ("college", _("Junior college"), ("大学专科", "大专", "专科")),
    ("secondary", _("Secondary and below"), ("中专", "高中", "初中", "小学", "中专及以下", "高中及以下")),
]
GENDERS = [("male", _("Male")), ("female", _("Female"))]
STAGES = [(c.value, c.label) for c in MemberCategory]

# dimension -> (title, [(bucket key, label)])
DIMENSIONS = {
    "age": (_("Age"), [(k, label) for k, label, _lo, _hi in AGE_BANDS]),
    "education": (_("Education"), [(k, label) for k, label, _v in EDUCATION_GROUPS] + [("other", _("Other"))]),
    "gender": (_("Gender"), GENDERS),
    "ethnicity": (_("Ethnicity"), [("han", _("Han")), ("minority", _("Ethnic minorities"))]),
    "years": (_("Years of membership"), [(k, label) for k, label, _lo, _hi in YEARS_BANDS]),
    "stage": (pgettext_lazy("dashboards", "Development pipeline"), STAGES),
    # Members away from their branch on the day (party members, open records of the member file).
    "situation": (
        _("Mobile, abroad and lost contact"),
        [("mobile", _("Mobile")), ("abroad", _("Abroad")), ("lost_contact", _("Lost contact"))],
    ),
}

_memo: dict | None = None


@contextmanager
def memoized():
    """Within the block, repeated calls with the same organisations and date reuse one result."""
    global _memo
    previous, _memo = _memo, {}
    try:
        yield
    finally:
        _memo = previous


def memoizing() -> bool:
    """Whether a ``memoized()`` block is open (a refresh computing many periods in a row)."""
    return _memo is not None


def shared(key: tuple, compute):
    """``compute()``, reused within a ``memoized()`` block for the same ``key``: two metrics read off one
    computation (the dues rate and the unpaid count off one ledger) pay for it once per refresh."""
    if _memo is None:
        return compute()
    if key not in _memo:
        _memo[key] = compute()
    return _memo[key]


def subtree_filter(orgs, field: str = "organization") -> Q:
    """Q matching rows whose organisation lies in any of the orgs' subtrees.

    Nested organisations are dropped first (a root covers everything), so asking
    for the whole tree is one ``LIKE '/1/%'`` rather than hundreds of them.
    """
    prefix = f"{field}__path__startswith" if field else "path__startswith"
    paths = sorted({o.path for o in orgs})
    kept: list[str] = []
    for path in paths:
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    q = Q()
    for path in kept:
        q |= Q(**{prefix: path})
    return q


def _per_path(rows, orgs, prefix: str, value) -> list[tuple[str, int]]:
    """``[(organisation path, total)]`` of ``rows`` in the subtrees of ``orgs``.

    Below a root, the rows are joined to their organisation and filtered by path. For a root (the committee's
    lists) every row counts anyway: grouping by organisation id needs neither the join nor the filter, and
    the ids' paths come from one query on the organisations (100,000 members at province: 13 ms instead of
    74 ms). Rows of an organisation outside the subtrees asked for are dropped.
    """
    if not any(o.depth == 0 for o in orgs):
        return [
            (path, n or 0)
            for path, n in rows.filter(subtree_filter(orgs, f"{prefix}organization"))
            .order_by()
            .values_list(f"{prefix}organization__path")
            .annotate(n=value)
        ]
    path_of = dict(Organization.objects.filter(subtree_filter(orgs, "")).values_list("pk", "path"))
    by_id = rows.order_by().values_list(f"{prefix}organization_id").annotate(n=value)
    return [(path_of[org_id], n or 0) for org_id, n in by_id if org_id in path_of]


def subtree_totals(rows, orgs, member: str = "", value=None) -> dict:
    """``{org.pk: total}`` of ``value`` (default: a count) over ``rows`` — members, or rows pointing at a
    member through ``member`` — whose member lies in each organisation's subtree; for a party group also its
    members grouped through ``party_group`` and registered outside it, each member counted once.

    Two queries whatever the number of organisations (three when a root is asked for): the totals per
    organisation path under the outermost of ``orgs`` (``_per_path``), summed per subtree by bisection over
    the sorted paths, and the grouped members registered outside the group's subtree. A correlated count per
    organisation read the city's 20,000 members once per row of a 100-row list: about a second.
    """
    orgs = list(orgs)
    if not orgs:
        return {}
    prefix = f"{member}__" if member else ""
    # COUNT(*), not COUNT(id): the organisation, category and status index answers it without the table.
    value = value if value is not None else Count("*")
    per_path = sorted(_per_path(rows, orgs, prefix, value))
    paths = [path for path, _n in per_path]
    running = [0]
    for _path, n in per_path:
        running.append(running[-1] + n)
    path_of = {o.pk: o.path for o in orgs}
    extra: dict[int, int] = defaultdict(int)
    grouped = (
        rows.filter(**{f"{prefix}party_group_id__in": list(path_of)})
        .order_by()
        .values_list(f"{prefix}party_group_id", f"{prefix}organization__path")
        .annotate(n=value)
    )
    for group_id, path, n in grouped:
        if not path.startswith(path_of[group_id]):
            extra[group_id] += n or 0
    totals = {}
    for o in orgs:
        lo, hi = bisect_left(paths, o.path), bisect_left(paths, o.path + "\U0010ffff")
        totals[o.pk] = running[hi] - running[lo] + extra.get(o.pk, 0)
    return totals


def member_counts(orgs) -> dict[int, int]:
    """``{org.pk: party members}`` over each organisation's whole subtree (``subtree_totals``)."""
    return subtree_totals(Member.objects.party_members(), orgs)


# The organisation tree shows the party members under each of its rows: for a province's committee the root's
# row groups every member of the province (100,000 rows, 25 ms of a 75 ms page) on every view. The counts are
# kept under a version that every write to a member or an organisation moves on (``branches.apps``); the writes
# that send no signal call ``REGISTER_FIGURES.changed`` (a roster import's bulk insert, a status change, moving
# a subtree). So a count is never older than the last write; the interval only bounds what is kept.
REGISTER_FIGURES = KeptFigures("register", "REGISTER_SUMMARY_SECONDS")


def kept_member_counts(orgs) -> dict[int, int]:
    """``member_counts``, kept between views (``REGISTER_FIGURES``)."""
    orgs = list(orgs)
    counts, _taken_at = REGISTER_FIGURES.get(("members", *(o.pk for o in orgs)), lambda: member_counts(orgs))
    return counts


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _band_case(field: str, bands, on: datetime.date):
    whens = []
    for key, _label, low, high in bands:
        # age >= low  <=>  born on or before on - low years; age < high <=> born after on - high years
        whens.append(
            When(
                Q(**{f"{field}__lte": _years_before(on, low), f"{field}__gt": _years_before(on, high)}), then=Value(key)
            )
        )
    return Case(*whens, default=Value(""), output_field=CharField())


def _education_case():
    whens = [When(education__in=values, then=Value(key)) for key, _label, values in EDUCATION_GROUPS]
    return Case(*whens, default=Value("other"), output_field=CharField())


def _situations(orgs, on: datetime.date) -> list[dict]:
    """Open 流动 / 出国境 / 失联 records on ``on`` per organisation, in one query (a UNION of three groups)."""
    from .memberfile.models import AbroadRecord, LostContactRecord, MobileRecord

    where = subtree_filter(orgs, "member__organization") & Q(
        member__status__in=ACTIVE_STATUSES, member__category__in=PARTY_MEMBER_CATEGORIES
    )

    def grouped(qs, key):
        return (
            qs.filter(where)
            .annotate(situation=Value(key, output_field=CharField()))
            .values("situation", org=F("member__organization_id"))
            .annotate(n=Count("member_id", distinct=True))
            .order_by()
        )

    mobile = grouped(
        MobileRecord.objects.filter(Q(since__lte=on) & (Q(until__isnull=True) | Q(until__gt=on))), "mobile"
    )
    abroad = grouped(
        AbroadRecord.objects.filter(Q(departed_on__lte=on) & (Q(returned_on__isnull=True) | Q(returned_on__gt=on))),
        "abroad",
    )
    lost = grouped(
        LostContactRecord.objects.filter(Q(last_contact_on__lte=on) & (Q(found_on__isnull=True) | Q(found_on__gt=on))),
        "lost_contact",
    )
    return list(mobile.union(abroad, lost, all=True))


def structure_many(orgs, on: datetime.date) -> dict[int, dict[str, dict[str, int]]]:
    """{org.pk: {dimension: {bucket: count}}} over each organisation's whole subtree.

    Party members (full and probationary, active statuses) count in every dimension
    except ``stage``, which counts the whole pipeline (applicants to full members).
    """
    orgs = list(orgs)
    key = (tuple(sorted(o.pk for o in orgs)), on)
    if _memo is not None and key in _memo:
        return _memo[key]
    targets = {o.pk for o in orgs}
    result: dict[int, dict] = {pk: {dim: defaultdict(int) for dim in DIMENSIONS} for pk in targets}
    if orgs:
        active = Member.objects.filter(status__in=ACTIVE_STATUSES).filter(subtree_filter(orgs))
        rows = (
            active.annotate(
                age=_band_case("birth_date", AGE_BANDS, on),
                years=_band_case("join_date", YEARS_BANDS, on),
                edu=_education_case(),
                is_party=Case(
                    When(category__in=PARTY_MEMBER_CATEGORIES, then=Value("1")),
                    default=Value("0"),
                    output_field=CharField(),
                ),
            )
            .values("organization_id", "category", "gender", "ethnicity", "age", "years", "edu", "is_party")
            .annotate(n=Count("id"))
            .order_by()
        )
        rows = list(rows)
        away = _situations(orgs, on)
        org_ids = {r["organization_id"] for r in rows} | {r["org"] for r in away}
        paths = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "path"))
        for row in rows:
            ancestors = [int(p) for p in paths.get(row["organization_id"], "").strip("/").split("/") if p]
            hits = [pk for pk in ancestors if pk in targets]
            if not hits:
                continue
            n = row["n"]
            for pk in hits:
                bucket = result[pk]
                bucket["stage"][row["category"]] += n
                if row["is_party"] != "1":
                    continue
                if row["age"]:
                    bucket["age"][row["age"]] += n
                if row["years"]:
                    bucket["years"][row["years"]] += n
                bucket["education"][row["edu"]] += n
                if row["gender"]:
                    bucket["gender"][row["gender"]] += n
                bucket["ethnicity"]["han" if (row["ethnicity"] or "汉族") == "汉族" else "minority"] += n
        for row in away:
            ancestors = [int(p) for p in paths.get(row["org"], "").strip("/").split("/") if p]
            for pk in ancestors:
                if pk in targets:
                    result[pk]["situation"][row["situation"]] += row["n"]
    final = {pk: {dim: dict(v) for dim, v in dims.items()} for pk, dims in result.items()}
    if _memo is not None:
        _memo[key] = final
    return final
