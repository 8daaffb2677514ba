"""The sender's view of a notice: read and receipt rates by organisation, and who has not signed.

Three queries whatever the number of recipients: the organisations of the breakdown, the
recipients counted per organisation path (one GROUP BY), summed up the tree by ``subtree_sums``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from branches.models import Organization
from branches.rollup import subtree_sums

from .models import Notice, NoticeRecipient


@dataclass
class Row:
    organization: Organization
    total: int
    read: int
    signed: int

    @property
    def read_rate(self):
        return round(100 * self.read / self.total, 1) if self.total else None

    @property
    def signed_rate(self):
        return round(100 * self.signed / self.total, 1) if self.total else None

    @property
    def unsigned(self):
        return self.total - self.signed


def breakdown(notice: Notice, base: Organization) -> tuple[Row, list[Row]]:
    """The total under ``base`` and one row per child organisation of ``base`` that has recipients."""
    children = list(Organization.objects.filter(parent=base).only("id", "name", "path", "kind").with_labels())
    counts = list(
        NoticeRecipient.objects.filter(notice=notice, organization__path__startswith=base.path)
        .values("organization__path")
        .annotate(
            total=Count("id"),
            read=Count("id", filter=Q(read_at__isnull=False)),
            signed=Count("id", filter=Q(signed_at__isnull=False)),
        )
        .values_list("organization__path", "total", "read", "signed")
    )
    orgs = [base, *children]
    sums = {
        key: subtree_sums([(c[0], c[i]) for c in counts], orgs) for i, key in ((1, "total"), (2, "read"), (3, "signed"))
    }
    rows = [Row(o, sums["total"][o.pk], sums["read"][o.pk], sums["signed"][o.pk]) for o in orgs]
    return rows[0], [r for r in rows[1:] if r.total]


def unsigned(notice: Notice, base: Organization):
    return (
        NoticeRecipient.objects.filter(notice=notice, signed_at__isnull=True, organization__path__startswith=base.path)
        .select_related("user", "organization__unit")
        .only(
            "id",
            "read_at",
            "reminded_at",
            "user__full_name",
            "user__username",
            "organization__name",
            "organization__depth",
            "organization__unit__name",
        )
        .order_by("organization__path", "user__full_name", "id")
    )
