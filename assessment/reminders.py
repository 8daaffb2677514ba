"""What is due in the assessment: windows closing in 7 days and in 1 day.

Secretaries whose self-assessment is not submitted hear about the self-assessment window;
reviewers (unit admins above the branch) about submitted assessments waiting for review.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import holders
from branches.events import Due
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
    # Who holds the role over each branch: a grant on it, or a subtree grant on an ancestor (docs/reminders.md).
    orgs = {a.organization_id: a.organization for a in open_rows}.values()
    secretaries = holders(orgs, [Role.SECRETARY])
    reviewers = holders(orgs, [Role.UNIT_ADMIN])
    for a in open_rows:
        cycle = a.cycle
        if a.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED):
            # A window the committee closed early has nothing left to remind of.
            step = _step(today, cycle.self_due) if cycle.self_closed_at is None else None
            if step:
                for user_id in sorted(secretaries[a.organization_id]):
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
                for user_id in sorted(reviewers[a.organization_id]):
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
