"""Named numbers of the register: members and organisations in each subtree.

Each ``many(orgs, period)`` runs one query whatever the number of organisations:
counts grouped by materialised path, summed per subtree by path prefix. Counts are the
register as it stands (people and organisations are not versioned by period).
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from . import periods, stats
from .links import list_url
from .metric_registry import Metric, register
from .models import Member, MemberCategory, Organization
from .models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES
from .rollup import subtree_sums


def _many(queryset, path_field):
    """Count rows per organisation path in one grouped query, then sum each subtree by prefix."""

    def many(orgs, period=None):
        orgs = list(orgs)
        if not orgs:
            return {}
        # Only the subtrees asked for (one organisation's page must not count the whole city).
        field = path_field[: -len("__path")] if path_field.endswith("__path") else ""
        rows = (
            queryset.filter(stats.subtree_filter(orgs, field))
            .order_by()
            .values(path_field)
            .annotate(n=Count("pk"))
            .values_list(path_field, "n")
        )
        return subtree_sums(rows, orgs)

    return many


def _members_url(org, period=None, **extra):
    params = "&".join(f"{k}={v}" for k, v in {"org": org.pk, **extra}.items())
    return f"{list_url('branches:member_list')}?{params}"


register(
    Metric(
        name="members.count",
        label=_("Party members"),
        unit="人",
        many=_many(
            Member.objects.filter(category__in=PARTY_MEMBER_CATEGORIES, status__in=ACTIVE_STATUSES),
            "organization__path",
        ),
        drill_url=lambda org, period=None: _members_url(org, period, stage="party"),
    )
)
register(
    Metric(
        name="members.probationary",
        label=_("Probationary members"),
        unit="人",
        many=_many(
            Member.objects.filter(category=MemberCategory.PROBATIONARY, status__in=ACTIVE_STATUSES),
            "organization__path",
        ),
        drill_url=lambda org, period=None: _members_url(
            org, period, stage="party", category=MemberCategory.PROBATIONARY
        ),
    )
)


def _organizations_url(org, period=None, **extra):
    """The organisation list narrowed to the org's subtree, active organisations (as counted) only."""
    params = "&".join(f"{k}={v}" for k, v in {"org": org.pk, "active": 1, **extra}.items())
    return f"{list_url('branches:organization_list')}?{params}"


register(
    Metric(
        name="org.count",
        label=_("Organisations"),
        unit="个",
        many=_many(Organization.objects.filter(is_active=True), "path"),
        drill_url=_organizations_url,
    )
)
register(
    Metric(
        name="org.branches",
        label=_("Branches"),
        unit="个",
        many=_many(Organization.objects.filter(is_active=True, kind="branch"), "path"),
        drill_url=lambda org, period=None: _organizations_url(org, period, kind="branch"),
    )
)


def _structure_metric(dimension: str, bucket: str):
    def many(orgs, period):
        data = stats.structure_many(orgs, min(period.end, periods.today()))
        return {pk: dims[dimension].get(bucket, 0) for pk, dims in data.items()}

    return many


# The member structure as in the party statistics (age bands, education, …): branches/stats.py.
for _dimension, (_title, _buckets) in stats.DIMENSIONS.items():
    for _bucket, _label in _buckets:
        register(
            Metric(
                f"structure.{_dimension}.{_bucket}",
                _label,
                "人",
                many=_structure_metric(_dimension, _bucket),
                drill_url=lambda org, period=None: _members_url(org, period, stage="party"),
            )
        )

from .meetings import metrics as _meetings  # noqa: E402, F401
