"""Permission codes of organisational life, registered from BranchesConfig.ready()."""

from ..roles import ALL_ROLES, Role, register_permissions

MEETING_KEEPERS = {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY, Role.BRANCH_COMMITTEE}

register_permissions(
    {
        "meeting.view": ALL_ROLES,
        "meeting.change": MEETING_KEEPERS,
        "meeting.compliance": MEETING_KEEPERS | {Role.INSPECTOR},
    }
)
