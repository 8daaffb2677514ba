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
from .meetings import (  # noqa: E402
    Attendance,
    AttendanceStatus,
    FrequencyRule,
    Meeting,
    MeetingAttachment,
    MeetingKind,
    MeetingKindRule,
    MeetingSettings,
    MeetingStatus,
    MeetingVersion,
    Topic,
)

__all__ += [
    "Attendance",
    "AttendanceStatus",
    "FrequencyRule",
    "Meeting",
    "MeetingAttachment",
    "MeetingKind",
    "MeetingKindRule",
    "MeetingSettings",
    "MeetingStatus",
    "MeetingVersion",
    "Topic",
]
