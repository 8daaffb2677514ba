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
from .development import DevelopmentStep, StepKind  # noqa: E402
from .rules import RegisterRule  # noqa: E402
from .terms import CommitteePosition, CommitteeSeat, Term, TermChange  # noqa: E402
from .transfers import EventKind, MemberEvent, Transfer, TransferScope, TransferStatus  # noqa: E402

__all__ += [
    "CommitteePosition",
    "CommitteeSeat",
    "DevelopmentStep",
    "EventKind",
    "MemberEvent",
    "RegisterRule",
    "StepKind",
    "Term",
    "TermChange",
    "Transfer",
    "TransferScope",
    "TransferStatus",
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

from ..memberfile.models import (  # noqa: E402
    AbroadRecord,
    CareRecord,
    LostContactRecord,
    MobileActivity,
    MobileRecord,
    RewardDiscipline,
)

__all__ += ["AbroadRecord", "CareRecord", "LostContactRecord", "MobileActivity", "MobileRecord", "RewardDiscipline"]
