"""Figures of notices, collection and plans in the metric registry (dashboards and the assessment read them).

Each ``many(orgs, period)`` groups rows by the organisation's path in one query and sums them up the tree
with ``subtree_sums``; each drill URL opens the list whose rows are the figure's denominator, with the
numerator stated on the page (as the first-topic coverage does).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from branches import metric_registry
from branches.links import list_url
from branches.metric_registry import Metric
from branches.models import Organization
from branches.rollup import subtree_sums

from .collection.models import Submission, SubmissionStatus
from .models import NoticeRecipient, NoticeStatus
from .plans.models import PlanReport, ReportKind
from .plans.services import FILING_KINDS


def _rate(num: dict, den: dict) -> dict:
    return {pk: (round(100 * num[pk] / den[pk], 1) if den[pk] else None) for pk in den}


def _sums(rows, orgs):
    rows = list(rows)
    return subtree_sums([(r[0], r[1]) for r in rows], orgs), subtree_sums([(r[0], r[2]) for r in rows], orgs)


def receipt_rows(period):
    """Recipients of receipt-required notices published in the period."""
    return NoticeRecipient.objects.filter(
        notice__requires_receipt=True,
        notice__status__in=[NoticeStatus.PUBLISHED, NoticeStatus.WITHDRAWN],
        notice__published_at__gte=period.start_datetime(),
        notice__published_at__lt=period.end_datetime(),
    )


def receipt_rate(orgs, period):
    rows = (
        receipt_rows(period)
        .values("organization__path")
        .annotate(total=Count("id"), signed=Count("id", filter=Q(signed_at__isnull=False)))
        .values_list("organization__path", "total", "signed")
    )
    total, signed = _sums(rows, orgs)
    return _rate(signed, total)


def receipts_url(org, period):
    return f"{list_url('notices:receipt_list')}?org={org.pk}&period={period.key}"


DONE = [SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED]


def submission_rows(period):
    """Submissions asked for by a deadline in the period."""
    return Submission.objects.filter(request__deadline__gte=period.start, request__deadline__lte=period.end)


def submission_rate(orgs, period):
    rows = (
        submission_rows(period)
        .values("organization__path")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status__in=DONE)))
        .values_list("organization__path", "total", "done")
    )
    total, done = _sums(rows, orgs)
    return _rate(done, total)


def submissions_url(org, period):
    return f"{list_url('notices:submission_todo')}?org={org.pk}&period={period.key}&open=0"


def filing_orgs(orgs):
    """How many organisations file plans in each subtree (one query)."""
    rows = (
        Organization.objects.filter(kind__in=FILING_KINDS, is_active=True, parent__isnull=False)
        .values_list("path")
        .annotate(n=Count("id"))
    )
    return subtree_sums(list(rows), orgs)


def _filed(orgs, period, kind, *, on_time=False):
    qs = PlanReport.objects.filter(
        kind=kind, year=period.start.year, first_submitted_at__isnull=False, organization__kind__in=FILING_KINDS
    )
    if on_time:
        from django.db.models import F

        qs = qs.filter(first_submitted_at__date__lte=F("due_date"))
    rows = qs.values("organization__path").annotate(n=Count("id")).values_list("organization__path", "n")
    return _rate(subtree_sums(list(rows), orgs), filing_orgs(orgs))


def plan_filing_rate(orgs, period):
    return _filed(orgs, period, ReportKind.ANNUAL_PLAN)


def plan_on_time(orgs, period):
    return _filed(orgs, period, ReportKind.ANNUAL_PLAN, on_time=True)


def summary_filed(orgs, period):
    return _filed(orgs, period, ReportKind.ANNUAL_SUMMARY)


def _plans_url(kind, extra):
    def url(org, period):
        return f"{list_url('notices:plan_list')}?org={org.pk}&year={period.start.year}&kind={kind}&{extra}"

    return url


metric_registry.register(
    Metric("notices.receipt_rate", _("Notice receipt rate"), "%", many=receipt_rate, drill_url=receipts_url)
)
metric_registry.register(
    Metric(
        "collection.submission_rate",
        _("Material submission rate"),
        "%",
        many=submission_rate,
        drill_url=submissions_url,
    )
)
metric_registry.register(
    Metric(
        "plans.filing_rate",
        _("Annual plan filing rate"),
        "%",
        many=plan_filing_rate,
        drill_url=_plans_url(ReportKind.ANNUAL_PLAN, "filed=1"),
    )
)
metric_registry.register(
    Metric(
        "plans.plan_on_time",
        _("Annual plan filed on time"),
        "%",
        many=plan_on_time,
        drill_url=_plans_url(ReportKind.ANNUAL_PLAN, "on_time=1"),
    )
)
metric_registry.register(
    Metric(
        "plans.summary_filed",
        _("Annual summary filed"),
        "%",
        many=summary_filed,
        drill_url=_plans_url(ReportKind.ANNUAL_SUMMARY, "filed=1"),
    )
)
