"""What is due in the assessment: windows closing in 7 days and in 1 day.

Secretaries whose self-assessment is not submitted hear about the self-assessment window;
reviewers (unit admins above the branch) about submitted assessments waiting for review.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.events import Due
from branches.models import RoleGrant
from branches.roles import Role

from .models import AssessmentStatus, BranchAssessment, CycleStatus

STEPS = (("T-7", 7), ("T-1", 1))


def _step(today: datetime.date, due: datetime.date) -> str | None:
    """The latest step reached and not past: T-7 from 7 days before, T-1 on the last day before."""
    days = (due - today).days
    if days < 0:
        return None
    for name, before in reversed(STEPS):
        if days <= before:
            return name
    return None


def due(now) -> list[Due]:
    today = timezone.localdate(now) if isinstance(now, datetime.datetime) else now
    out: list[Due] = []
    open_rows = list(
        BranchAssessment.objects.filter(cycle__status=CycleStatus.OPEN)
        .filter(status__in=[AssessmentStatus.DRAFT, AssessmentStatus.RETURNED, AssessmentStatus.SUBMITTED])
        .select_related("cycle", "organization")
    )
    if not open_rows:
        return out
    grants = list(
        RoleGrant.objects.filter(role__in=[Role.SECRETARY, Role.UNIT_ADMIN]).values_list(
            "user_id", "role", "organization_id", "organization__path", "include_subtree"
        )
    )
    secretaries: dict[int, list[int]] = {}
    reviewers: list[tuple[int, str, bool, int]] = []
    for user_id, role, org_id, path, subtree in grants:
        if role == Role.SECRETARY:
            secretaries.setdefault(org_id, []).append(user_id)
        else:
            reviewers.append((user_id, path, subtree, org_id))
    for a in open_rows:
        cycle = a.cycle
        if a.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED):
            # A window the committee closed early has nothing left to remind of.
            step = _step(today, cycle.self_due) if cycle.self_closed_at is None else None
            if step:
                for user_id in secretaries.get(a.organization_id, []):
                    out.append(
                        Due(
                            kind="assessment.self_due",
                            object_type="assessment.branchassessment",
                            object_id=a.pk,
                            step=step,
                            recipient_id=user_id,
                            due_at=cycle.self_due,
                            title=_("Submit the self-assessment of %(org)s by %(date)s.")
                            % {"org": a.organization.name, "date": cycle.self_due.isoformat()},
                            url=reverse("assessment:self", args=[a.pk]),
                            urgent=step == "T-1",
                            organization_id=a.organization_id,
                        )
                    )
        else:
            step = _step(today, cycle.review_due) if cycle.review_closed_at is None else None
            if step:
                for user_id, path, subtree, org_id in reviewers:
                    covers = org_id == a.organization_id or (subtree and a.organization.path.startswith(path))
                    if covers:
                        out.append(
                            Due(
                                kind="assessment.review_due",
                                object_type="assessment.branchassessment",
                                object_id=a.pk,
                                step=step,
                                recipient_id=user_id,
                                due_at=cycle.review_due,
                                title=_("Review the self-assessment of %(org)s by %(date)s.")
                                % {"org": a.organization.name, "date": cycle.review_due.isoformat()},
                                url=reverse("assessment:review", args=[a.pk]),
                                urgent=step == "T-1",
                                organization_id=a.organization_id,
                            )
                        )
    return out
