from .audit import AuditChainHead, AuditEntry
from .members import Member, MemberCategory, MemberStatus
from .tree import Organization, OrganizationKind, RoleGrant, Unit

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "Member",
    "MemberCategory",
    "MemberStatus",
    "Organization",
    "OrganizationKind",
    "RoleGrant",
    "Unit",
]
from .calendar import CalendarDay  # noqa: E402
from .development import DevelopmentStep, StepKind  # noqa: E402
from .imports import RosterUpload  # noqa: E402
from .rules import RegisterRule  # noqa: E402
from .terms import CommitteePosition, CommitteeSeat, Term, TermChange  # noqa: E402
from .transfers import EventKind, MemberEvent, Transfer, TransferScope, TransferStatus  # noqa: E402

__all__ += [
    "CalendarDay",
    "CommitteePosition",
    "CommitteeSeat",
    "DevelopmentStep",
    "EventKind",
    "MemberEvent",
    "RegisterRule",
    "RosterUpload",
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

from .documents import DocumentNumberRule, IssuedNumber  # noqa: E402

__all__ += ["DocumentNumberRule", "IssuedNumber"]

from ..memberfile.models import (  # noqa: E402
    AbroadRecord,
    CareRecord,
    LostContactRecord,
    MobileActivity,
    MobileRecord,
    RewardDiscipline,
)

__all__ += ["AbroadRecord", "CareRecord", "LostContactRecord", "MobileActivity", "MobileRecord", "RewardDiscipline"]
