"""Named numbers of the register: members and organisations in each subtree.

Each ``many(orgs, period)`` runs one query whatever the number of organisations:
a correlated subquery joins on the materialised path prefix. Counts are the
register as it stands (people and organisations are not versioned by period).
"""

from django.db.models import F, Func, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import StartsWith
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .metric_registry import Metric, register
from .models import Member, MemberCategory, Organization
from .models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES


def _count_in_subtree(queryset, path_field: str):
    sub = (
        queryset.filter(StartsWith(F(path_field), OuterRef("path")))
        .order_by()
        .values(n=Func(F("pk"), function="COUNT"))
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def _many(queryset, path_field):
    def many(orgs, period=None):
        ids = [o.pk for o in orgs]
        if not ids:
            return {}
        rows = Organization.objects.filter(pk__in=ids).annotate(n=_count_in_subtree(queryset, path_field))
        return dict(rows.values_list("pk", "n"))

    return many


def _members_url(org, period=None, **extra):
    params = "&".join(f"{k}={v}" for k, v in {"org": org.pk, **extra}.items())
    return f"{reverse('branches:member_list')}?{params}"


register(
    Metric(
        name="members.count",
        label=_("Party members"),
        unit="人",
        many=_many(
            Member.objects.filter(category__in=PARTY_MEMBER_CATEGORIES, status__in=ACTIVE_STATUSES),
            "organization__path",
        ),
        drill_url=_members_url,
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
        drill_url=lambda org, period=None: _members_url(org, period, category=MemberCategory.PROBATIONARY),
    )
)
register(
    Metric(
        name="org.count",
        label=_("Organisations"),
        unit="个",
        many=_many(Organization.objects.filter(is_active=True), "path"),
        drill_url=lambda org, period=None: reverse("branches:organization_detail", args=[org.pk]),
    )
)
