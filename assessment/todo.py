"""我的待办 from the assessment: self-assessments to fill in and submit (secretary), reviews waiting (unit admin)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.events import TodoItem

from . import windows
from .models import AssessmentStatus, BranchAssessment, CycleStatus

COVERS = {"assessment.self_due", "assessment.review_due"}
EDITABLE = [AssessmentStatus.DRAFT, AssessmentStatus.RETURNED]


def items(user, now):
    today = timezone.localdate(now)
    open_rows = BranchAssessment.objects.filter(cycle__status=CycleStatus.OPEN)
    # The secretary's and the reviewer's side in one query: the statuses each side acts on are disjoint.
    rows = (
        open_rows.visible_to(user, "self").filter(status__in=EDITABLE)
        | open_rows.visible_to(user, "review").filter(status=AssessmentStatus.SUBMITTED)
    ).select_related("cycle", "organization")
    for a in rows:
        if a.status == AssessmentStatus.SUBMITTED:  # the reviewer's step
            if not windows.review_open(a.cycle, today):
                continue
            kind, text, due = "review", _("%(org)s: review the self-assessment of “%(cycle)s”"), a.cycle.review_due
        else:  # the secretary's step: fill in, or redo what was sent back
            if not windows.secretary_may_edit(a.cycle, a.status, today):
                continue
            text = _("%(org)s: complete and submit the self-assessment of “%(cycle)s”")
            kind, due = "self", a.cycle.review_due if a.status == AssessmentStatus.RETURNED else a.cycle.self_due
        yield TodoItem(
            f"assessment.{kind}",
            "assessment.branchassessment",
            a.pk,
            text % {"org": a.organization.name, "cycle": a.cycle.name},
            due,
            reverse(f"assessment:{kind}", args=[a.pk]),
            due <= today,
            a.organization_id,
        )
