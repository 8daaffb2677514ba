"""Permission codes of notices, collection and plans."""

from branches.roles import ALL_ROLES, Role, register_permissions

SENDERS = {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY}

register_permissions(
    {
        # Write, publish, correct and withdraw notices for the organisations covered; see their statistics.
        "notice.send": SENDERS,
        # Receive notices (everyone with a role; the recipients list decides what each person sees).
        "notice.receive": ALL_ROLES,
        # Ask the organisations below for material, review what they submit.
        "collection.request": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN},
        # Answer a material request for one's own organisation.
        "collection.submit": {Role.UNIT_ADMIN, Role.SECRETARY, Role.COMMITTEE_STAFF},
        # File plans and summaries for one's own organisation.
        "plan.file": {Role.UNIT_ADMIN, Role.SECRETARY, Role.COMMITTEE_STAFF},
        # Review the plans and summaries of the organisations below.
        "plan.review": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN},
        "plan.view": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY, Role.BRANCH_COMMITTEE, Role.INSPECTOR},
    }
)
