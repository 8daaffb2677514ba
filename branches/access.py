"""Small helpers about a user's grants, cached on the user object for one request."""

from .models import RoleGrant
from .roles import Role, roles_with

ROLE_RANK = [
    Role.COMMITTEE_STAFF,
    Role.UNIT_ADMIN,
    Role.INSPECTOR,
    Role.SECRETARY,
    Role.BRANCH_COMMITTEE,
    Role.MEMBER,
]


def grants_of(user) -> list[RoleGrant]:
    if user is None or not user.is_authenticated or getattr(user, "pk", None) is None:
        return []
    cached = getattr(user, "_grants_cache", None)
    if cached is None:
        cached = list(RoleGrant.objects.for_user(user).order_by("organization__path"))
        user._grants_cache = cached
    return cached


def roles_of(user) -> set[str]:
    return {g.role for g in grants_of(user)}


def has_permission(user, permission: str) -> bool:
    """Whether the user holds the permission anywhere in the tree."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(roles_of(user) & roles_with(permission))


def primary_grant(user) -> RoleGrant | None:
    grants = grants_of(user)
    for role in ROLE_RANK:
        for grant in grants:
            if grant.role == role:
                return grant
    return None
