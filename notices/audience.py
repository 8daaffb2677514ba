"""Who a notice reaches: audience lines on the tree resolved into ``{user id: organisation id}``.

- an organisation, alone or with its subtree: the accounts of its current party members and the
  people holding a role granted on it;
- a role under an organisation (e.g. all branch secretaries of two units): ``branches.access.holders``
  over the organisations of that subtree, each person counted under the highest one they hold it on;
- a named person: counted under the organisation of their register entry, else of their first grant.

A fixed number of queries per audience line, whatever the number of people; the caller inserts
the recipients in bulk.
"""

from __future__ import annotations

from branches.access import holders
from branches.models import Member, Organization, RoleGrant

from .models import AudienceKind


def _orgs(line) -> list[Organization]:
    if line.include_subtree:
        return list(
            Organization.objects.subtree_of(line.organization).filter(is_active=True).only("id", "path", "depth")
        )
    return [line.organization]


def _people_of(orgs_filter: dict) -> dict[int, int]:
    found: dict[int, int] = {}
    members = (
        Member.objects.filter(
            user__isnull=False, user__is_active=True, **{f"organization__{k}": v for k, v in orgs_filter.items()}
        )
        .party_members()
        .values_list("user_id", "organization_id")
    )
    for user_id, org_id in members:
        found.setdefault(user_id, org_id)
    grants = RoleGrant.objects.filter(
        user__is_active=True, **{f"organization__{k}": v for k, v in orgs_filter.items()}
    ).values_list("user_id", "organization_id")
    for user_id, org_id in grants:
        found.setdefault(user_id, org_id)
    return found


def resolve_line(line) -> dict[int, int]:
    if line.kind == AudienceKind.PERSON:
        member_org = Member.objects.filter(user_id=line.user_id).values_list("organization_id", flat=True).first()
        if member_org is None:
            member_org = (
                RoleGrant.objects.filter(user_id=line.user_id)
                .order_by("organization__path")
                .values_list("organization_id", flat=True)
                .first()
            )
        return {line.user_id: member_org}
    if line.kind == AudienceKind.ORGANIZATION:
        if line.include_subtree:
            return _people_of({"path__startswith": line.organization.path, "is_active": True})
        return _people_of({"pk": line.organization_id})
    orgs = sorted(_orgs(line), key=lambda o: o.path)
    found: dict[int, int] = {}
    by_org = holders(orgs, [line.role])
    for org in orgs:  # shallowest first: a subtree grant is counted where it is held
        for user_id in by_org.get(org.pk, ()):
            found.setdefault(user_id, org.pk)
    return found


def resolve(lines) -> dict[int, int]:
    """``{user id: organisation id}`` for every audience line of a notice (the first line wins)."""
    found: dict[int, int] = {}
    for line in lines:
        for user_id, org_id in resolve_line(line).items():
            found.setdefault(user_id, org_id)
    return found
