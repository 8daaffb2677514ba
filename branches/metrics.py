"""Named numbers of the register: members and organisations in each subtree.

Each ``many(orgs, period)`` runs one query whatever the number of organisations:
counts grouped by materialised path, summed per subtree by path prefix. Counts are the
register as it stands (people and organisations are not versioned by period).
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .links import list_url
from .metric_registry import Metric, register
from .models import Member, MemberCategory, Organization
from .models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES
from .rollup import subtree_sums


def _many(queryset, path_field):
    """Count rows per organisation path in one grouped query, then sum each subtree by prefix."""

    def many(orgs, period=None):
        if not orgs:
            return {}
        rows = queryset.order_by().values(path_field).annotate(n=Count("pk")).values_list(path_field, "n")
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
register(
    Metric(
        name="org.count",
        label=_("Organisations"),
        unit="个",
        many=_many(Organization.objects.filter(is_active=True), "path"),
        drill_url=lambda org, period=None: f"{list_url('branches:organization_list')}?org={org.pk}&active=1",
    )
)
from . import metrics_structure  # noqa: E402, F401  member structure (age bands, education, …)
from .meetings import metrics as _meetings  # noqa: E402, F401
