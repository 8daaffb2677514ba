"""Member-structure metrics (``structure.<dimension>.<bucket>``) and the basic counts.

Registered only when nobody else registered the same name: the register app owns
``org.count``, ``members.count`` and ``members.probationary`` and may define them in
``branches/metrics.py``; these are the fallbacks, counted from the same tables.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import metric_registry, periods, stats
from .links import list_url
from .metric_registry import Metric
from .models import Member, Organization
from .models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES, MemberCategory


def _org_url(org, period) -> str:
    try:
        return list_url("branches:member_list") + f"?org={org.pk}&stage=party"
    except NoReverseMatch:
        return reverse("branches:organization_detail", args=[org.pk])


def _tree_url(org, period, kind: str = "") -> str:
    """The organisation list narrowed to the org's subtree, active organisations (as counted) only."""
    url = f"{list_url('branches:organization_list')}?org={org.pk}&active=1"
    return f"{url}&kind={kind}" if kind else url


def _structure_metric(dimension: str, bucket: str):
    def many(orgs, period):
        on = min(period.end, periods.today())
        data = stats.structure_many(orgs, on)
        return {pk: dims[dimension].get(bucket, 0) for pk, dims in data.items()}

    return many


def _subtree_counts(orgs, queryset, org_field="organization"):
    """{org.pk: rows of ``queryset`` in the org's subtree}: one grouped query + one path query."""
    orgs = list(orgs)
    if not orgs:
        return {}
    rows = list(
        queryset.filter(stats.subtree_filter(orgs, org_field))
        .values_list(f"{org_field}__path")
        .annotate(n=Count("id"))
        .order_by()
    )
    targets = {o.pk for o in orgs}
    totals = defaultdict(int)
    for path, n in rows:
        for part in path.strip("/").split("/"):
            if part and int(part) in targets:
                totals[int(part)] += n
    return {o.pk: totals.get(o.pk, 0) for o in orgs}


def _members_count(orgs, period):
    return _subtree_counts(
        orgs, Member.objects.filter(category__in=PARTY_MEMBER_CATEGORIES, status__in=ACTIVE_STATUSES)
    )


def _probationary(orgs, period):
    return _subtree_counts(
        orgs, Member.objects.filter(category=MemberCategory.PROBATIONARY, status__in=ACTIVE_STATUSES)
    )


def _org_count(orgs, period):
    orgs = list(orgs)
    if not orgs:
        return {}
    paths = list(
        Organization.objects.filter(stats.subtree_filter(orgs, ""), is_active=True).values_list("path", flat=True)
    )
    targets = {o.pk for o in orgs}
    totals = defaultdict(int)
    for path in paths:
        for part in path.strip("/").split("/"):
            if part and int(part) in targets:
                totals[int(part)] += 1
    return {o.pk: totals.get(o.pk, 0) for o in orgs}


def _branch_count(orgs, period):
    orgs = list(orgs)
    if not orgs:
        return {}
    paths = list(
        Organization.objects.filter(stats.subtree_filter(orgs, ""), is_active=True, kind="branch").values_list(
            "path", flat=True
        )
    )
    targets = {o.pk for o in orgs}
    totals = defaultdict(int)
    for path in paths:
        for part in path.strip("/").split("/"):
            if part and int(part) in targets:
                totals[int(part)] += 1
    return {o.pk: totals.get(o.pk, 0) for o in orgs}


def _register_if_absent(metric: Metric) -> None:
    if metric.name not in metric_registry._REGISTRY:
        metric_registry.register(metric)


_register_if_absent(Metric("org.count", _("Organisations"), "个", many=_org_count, drill_url=_tree_url))
_register_if_absent(
    Metric("org.branches", _("Branches"), "个", many=_branch_count, drill_url=lambda o, p: _tree_url(o, p, "branch"))
)
_register_if_absent(Metric("members.count", _("Party members"), "人", many=_members_count, drill_url=_org_url))
_register_if_absent(
    Metric("members.probationary", _("Probationary members"), "人", many=_probationary, drill_url=_org_url)
)

for _dimension, (_title, _buckets) in stats.DIMENSIONS.items():
    for _bucket, _label in _buckets:
        _register_if_absent(
            Metric(
                f"structure.{_dimension}.{_bucket}",
                _label,
                "人",
                many=_structure_metric(_dimension, _bucket),
                drill_url=_org_url,
            )
        )
