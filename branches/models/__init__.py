from .audit import AuditEntry
from .members import Member, MemberCategory, MemberStatus
from .tree import Organization, OrganizationKind, RoleGrant, Unit

__all__ = [
    "AuditEntry",
    "Member",
    "MemberCategory",
    "MemberStatus",
    "Organization",
    "OrganizationKind",
    "RoleGrant",
    "Unit",
]
