"""Helpers for the dashboard tests: a temporary metric with known values per organisation, and real records
behind the charts (published assessment results, rectifications, meetings)."""

import contextlib
import datetime

from django.utils import timezone

from assessment import services as assessment_services
from assessment.models import BranchAssessment
from branches import audit, metric_registry
from branches.metric_registry import Metric
from supervision import services as supervision_services
from tests.assessment.factories import advance_to, inputs_by_code, make_system, open_live_cycle
from tests.assessment.test_metrics_results import INPUTS
from tests.supervision.helpers import finding_for, issued_task
from tests.supervision.reference import ensure_reference_data


@contextlib.contextmanager
def temporary_metric(name, values, *, unit="%", higher_is_better=True, drill=None):
    """Register ``name`` whose value for an org is ``values[(org.pk, period.key)]`` or ``values[org.pk]``."""
    metric_registry.load_all()
    previous = metric_registry._REGISTRY.get(name)

    def many(orgs, period):
        out = {}
        for org in orgs:
            if (org.pk, period.key) in values:
                out[org.pk] = values[(org.pk, period.key)]
            elif org.pk in values:
                out[org.pk] = values[org.pk]
        return out

    metric = Metric(
        name,
        name,
        unit,
        many=many,
        drill_url=drill or (lambda org, period: f"/drill/{name}/{org.pk}/{period.key}/"),
        higher_is_better=higher_is_better,
    )
    metric_registry.register(metric)
    try:
        yield metric
    finally:
        if previous is None:
            metric_registry._REGISTRY.pop(name, None)
        else:
            metric_registry._REGISTRY[name] = previous


# --------------------------------------------------------------------------- records behind the charts


def publish_results(world, root=None, inputs=INPUTS, year=2026):
    # Windows from today: the results are published now, the committee closing each window early.
    cycle = open_live_cycle(make_system(year=year, metric="not.there", quota=None), root or world.root)
    for key, data in inputs.items():
        a = BranchAssessment.objects.filter(cycle=cycle, organization=getattr(world, key)).first()
        if a is not None:
            assessment_services.save_self_assessment(actor=audit.SYSTEM, assessment=a, entries=inputs_by_code(a, data))
    advance_to(cycle, "calibration")
    assessment_services.start_calibration(actor=world.committee, cycle=cycle)
    assessment_services.publish_results(actor=world.committee, cycle=cycle)
    return cycle


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def rectifications(world):
    """Two rectifications of branch A1 recorded ~80 days ago: one closed on time ~70 days ago, one still open."""
    ensure_reference_data()
    task = issued_task(world, deadline=days_ago(20).date(), now=days_ago(90))
    deadline = days_ago(60).date()
    closed = finding_for(world, task, deadline=deadline, now=days_ago(80)).rectifications.get()
    finding_for(world, task, deadline=deadline, now=days_ago(80), description="党费收缴不规范")
    supervision_services.propose_plan(actor=world.secretary, rectification=closed, plan="方案")
    supervision_services.accept_plan(actor=world.inspector, rectification=closed)
    supervision_services.report_progress(actor=world.secretary, rectification=closed, content="进展")
    supervision_services.submit_for_recheck(actor=world.secretary, rectification=closed)
    supervision_services.recheck(
        actor=world.inspector, rectification=closed, passed=True, method="查看", now=days_ago(70)
    )
    return closed


def held_months(world, *, missing_in=None):
    """Every monthly meeting of this year's past months held by the three branches, except branch A1's in
    ``missing_in`` (a month Period): its heatmap cell is then 0 % (red), every other past month 100 %."""
    from importlib import import_module

    from django.apps import apps

    from branches.models import FrequencyRule, Meeting, MeetingStatus

    if not FrequencyRule.objects.exists():  # a transactional test flushed the migration's rules
        import_module("branches.migrations.0004_meeting_rules_defaults").seed(apps, None)
    today = timezone.localdate()
    rules = FrequencyRule.objects.filter(is_active=True, organization_kind="branch", period="month")
    meetings = []
    for month in range(1, today.month):
        day = datetime.date(today.year, month, 10)
        for org in (world.branch_a1, world.branch_a2, world.branch_b1):
            if org == world.branch_a1 and missing_in is not None and missing_in.contains(day):
                continue
            for rule in rules:
                start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
                meetings.append(
                    Meeting(
                        organization=org,
                        kind=rule.kind,
                        title=f"{rule.get_kind_display()} {day:%m}月",
                        start=start,
                        end=start + datetime.timedelta(hours=1),
                        status=MeetingStatus.SUBMITTED,
                        has_first_topic=True,
                        submitted_at=start,
                    )
                )
    Meeting.objects.bulk_create(meetings)
