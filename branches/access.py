"""Small helpers about a user's grants, cached on the user object for one request.

``RoleGrant`` is read through the app registry: the querysets (loaded by the models) call
``grants_of``, so importing the models here would close a circle models → querysets → access.
"""

from django.apps import apps

from .crypto import integrity_ok
from .integrity import account_ok, alert, grant_content, grant_ok, logger
from .roles import Role, roles_with


def _grants():
    return apps.get_model("branches", "RoleGrant").objects


ROLE_RANK = [
    Role.COMMITTEE_STAFF,
    Role.UNIT_ADMIN,
    Role.INSPECTOR,
    Role.SECRETARY,
    Role.BRANCH_COMMITTEE,
    Role.MEMBER,
]


def grants_of(user) -> list["RoleGrant"]:  # noqa: F821
    if user is None or not user.is_authenticated or getattr(user, "pk", None) is None:
        return []
    cached = getattr(user, "_grants_cache", None)
    if cached is None:
        cached = []
        if account_ok(user):
            # One query; a grant whose HMAC-SM3 does not match was altered in the database: denied, alerted.
            for grant in _grants().for_user(user).order_by("organization__path"):
                if grant_ok(grant):
                    cached.append(grant)
                else:
                    alert("grant", grant, {"role": grant.role, "organization": grant.organization_id})
        user._grants_cache = cached
    return cached


def roles_of(user) -> set[str]:
    return {g.role for g in grants_of(user)}


def has_permission(user, permission: str) -> bool:
    """Whether the user holds the permission anywhere in the tree."""
    if getattr(user, "is_superuser", False) and account_ok(user):
        return True
    return bool(roles_of(user) & roles_with(permission))


def primary_grant(user) -> "RoleGrant | None":  # noqa: F821
    grants = grants_of(user)
    for role in ROLE_RANK:
        for grant in grants:
            if grant.role == role:
                return grant
    return None


def holders(orgs, roles) -> dict[int, set[int]]:
    """``{org.pk: {user ids}}``: active users holding one of ``roles`` on each organisation,
    directly or through a subtree grant on an ancestor. One query for any number of organisations.

    The recipients of reminders and notices ("the branch's secretary and the unit admins above it").
    """
    orgs = list(orgs)
    ancestors = {o.pk: set(o.ancestor_ids()) for o in orgs}
    wanted = set(ancestors) | {a for ids in ancestors.values() for a in ids}
    result: dict[int, set[int]] = {o.pk: set() for o in orgs}
    grants = (
        _grants()
        .filter(organization_id__in=wanted, role__in=list(roles), user__is_active=True)
        .values_list("organization_id", "user_id", "include_subtree", "role", "mac", "pk")
    )
    for org_id, user_id, subtree, role, mac, pk_ in grants:
        if not integrity_ok(grant_content(user_id, org_id, role, subtree), mac):  # altered in the database
            logger.error("Integrity violation: role grant %s failed its HMAC-SM3 check (recipients)", pk_)
            continue
        for pk, above in ancestors.items():
            if org_id == pk or (subtree and org_id in above):
                result[pk].add(user_id)
    return result
