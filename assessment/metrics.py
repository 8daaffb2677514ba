"""Numbers the assessment publishes: ``assessment.progress`` (% of branch assessments submitted)."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from branches.metric_registry import Metric, register

from .models import AssessmentStatus, BranchAssessment

NOT_SUBMITTED = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


def _progress(orgs, period):
    """For each org: % of the branch assessments in its subtree (cycles of the period's year) submitted."""
    if not orgs:
        return {}
    rows = list(
        BranchAssessment.objects.filter(cycle__year=period.start.year).values_list("organization__path", "status")
    )
    totals = defaultdict(lambda: [0, 0])
    for org in orgs:
        for path, status in rows:
            if path.startswith(org.path):
                totals[org.pk][0] += 1
                totals[org.pk][1] += status not in NOT_SUBMITTED
    return {
        org.pk: (round(100 * totals[org.pk][1] / totals[org.pk][0], 1) if totals[org.pk][0] else None) for org in orgs
    }


register(
    Metric(
        name="assessment.progress",
        label=_("Self-assessments submitted"),
        unit="%",
        many=_progress,
        drill_url=lambda org, period: "/assessment/",
    )
)
