"""Permission codes of the member file, registered from BranchesConfig.ready()."""

from ..roles import REGISTER_KEEPERS, Role, register_permissions

register_permissions(
    {
        "memberfile.view": REGISTER_KEEPERS | {Role.BRANCH_COMMITTEE},
        "memberfile.change": REGISTER_KEEPERS | {Role.BRANCH_COMMITTEE},
        # Care records in clear: the branch committee (the secretary sits on it) and the unit admins only.
        "care.view": {Role.UNIT_ADMIN, Role.SECRETARY, Role.BRANCH_COMMITTEE},
    }
)
