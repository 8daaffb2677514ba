"""Roles granted on the organisation tree and the permissions they carry.

A role is granted on one organisation, optionally for its whole subtree. Every
permission code names an action on a kind of record; apps add their own codes
with ``register_permissions`` from their ``AppConfig.ready`` so this file never
needs to know about the floors above it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMITTEE_STAFF = "committee_staff", _("Work committee staff")
    INSPECTOR = "inspector", _("Inspector")
    UNIT_ADMIN = "unit_admin", _("Unit party admin")
    SECRETARY = "secretary", _("Branch secretary")
    BRANCH_COMMITTEE = "branch_committee", _("Branch committee member")
    MEMBER = "member", _("Party member")


ALL_ROLES = frozenset(Role.values)
MANAGERS = frozenset({Role.COMMITTEE_STAFF, Role.UNIT_ADMIN})
REGISTER_KEEPERS = frozenset({Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY})

# permission code -> roles that carry it (within the organisations the grant covers)
_PERMISSIONS: dict[str, frozenset[str]] = {
    "org.view": ALL_ROLES,
    "org.manage": MANAGERS,
    "member.view": REGISTER_KEEPERS | {Role.BRANCH_COMMITTEE},
    "member.change": REGISTER_KEEPERS,
    "member.unmask": REGISTER_KEEPERS,
    "dashboard.view": REGISTER_KEEPERS | {Role.BRANCH_COMMITTEE},
}


def register_permissions(mapping: dict[str, set[str] | frozenset[str]]) -> None:
    """Add (or widen) permission codes. Called by apps at ready() time."""
    for code, roles in mapping.items():
        unknown = set(roles) - ALL_ROLES
        if unknown:
            raise ValueError(f"Unknown roles for {code}: {unknown}")
        _PERMISSIONS[code] = _PERMISSIONS.get(code, frozenset()) | frozenset(roles)


def roles_with(permission: str) -> frozenset[str]:
    try:
        return _PERMISSIONS[permission]
    except KeyError:
        raise KeyError(f"Unknown permission code {permission!r}; register it first") from None


def all_permissions() -> dict[str, frozenset[str]]:
    return dict(_PERMISSIONS)
