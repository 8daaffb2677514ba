import datetime

import pytest

from branches import audit, metric_registry, reminders, services
from branches.models import MemberCategory, StepKind
from branches.periods import period_containing
from branches.register import services as register

pytestmark = pytest.mark.django_db
D = datetime.date


def _dues(today):
    return list(reminders.due(datetime.datetime.combine(today, datetime.time(8))))


def test_term_expiry_steps_reach_secretary_and_unit_admin(world):
    register.record_term(actor=audit.SYSTEM, organization=world.branch_a1, start=D(2023, 9, 1))  # ends 2026-09-01
    assert not [d for d in _dues(D(2026, 2, 1)) if d.kind == "terms.expiring"]
    six = [d for d in _dues(D(2026, 4, 1)) if d.kind == "terms.expiring"]
    assert {d.step for d in six} == {"6m"}
    assert {d.recipient_id for d in six} == {world.secretary.pk, world.unit_admin.pk}
    assert {d.step for d in _dues(D(2026, 8, 15)) if d.kind == "terms.expiring"} == {"1m"}
    overdue = [d for d in _dues(D(2026, 10, 1)) if d.kind == "terms.expiring"]
    assert {d.step for d in overdue} == {"overdue"} and all(d.urgent for d in overdue)


def test_overdue_development_steps_are_due_to_the_secretary(world):
    person = services.create_member(
        actor=audit.SYSTEM, organization=world.branch_a1, name="申请人", category=MemberCategory.APPLICANT
    )
    register.record_step(
        actor=audit.SYSTEM, member=person, kind=StepKind.APPLICATION, date=D(2026, 1, 5), today=D(2026, 1, 5)
    )
    dues = [d for d in _dues(D(2026, 3, 1)) if d.kind == "development.overdue"]
    assert [(d.object_id, d.step, d.recipient_id) for d in dues] == [(person.pk, "overdue-talk", world.secretary.pk)]


def test_probation_ending_within_a_month_is_due(world):
    services.create_member(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        name="预备党员",
        category=MemberCategory.PROBATIONARY,
        join_date=D(2025, 6, 20),
    )
    assert not [d for d in _dues(D(2026, 4, 1)) if d.kind == "members.probation_ending"]
    dues = [d for d in _dues(D(2026, 6, 1)) if d.kind == "members.probation_ending"]
    assert len(dues) == 1 and dues[0].due_at == D(2026, 6, 20)


def test_member_metrics_aggregate_each_subtree_in_one_query(world, django_assert_num_queries):
    services.create_member(
        actor=audit.SYSTEM, organization=world.branch_a2, name="预备", category=MemberCategory.PROBATIONARY
    )
    period = period_containing("year", D(2026, 5, 1))
    metric = metric_registry.get("members.count")
    with django_assert_num_queries(1):
        values = metric.values([world.root, world.unit_a, world.branch_a1, world.unit_b], period)
    assert values == {world.root.pk: 4, world.unit_a.pk: 4, world.branch_a1.pk: 2, world.unit_b.pk: 0}
    assert metric_registry.get("members.probationary").value(world.unit_a, period) == 1
    assert metric_registry.get("org.count").value(world.unit_a, period) == 4


def test_the_expiry_task_marks_old_letters_expired_and_is_safe_to_rerun(world):
    from branches.models import Transfer, TransferStatus
    from branches.tasks import expire_transfers

    letter = register.issue_transfer(
        actor=world.secretary, member=world.members["member"], to_org=world.branch_b1, issued_on=D(2020, 1, 1)
    )
    assert expire_transfers() == 1
    assert expire_transfers() == 0
    assert Transfer.objects.get(pk=letter.pk).status == TransferStatus.EXPIRED


def test_seed_demo_fills_terms_committees_development_and_transfers():
    from django.core.management import call_command
    from django.utils import timezone

    from branches import rules
    from branches.models import CommitteeSeat, DevelopmentStep, Organization, Term, Transfer

    call_command("seed_demo", "--scale", "small", "--force")
    today = timezone.localdate()
    assert Term.objects.filter(end__lt=today).exists()
    assert Term.objects.filter(end__gte=today, end__lte=rules.add_months(today, 6)).exists()
    assert CommitteeSeat.objects.filter(position__code="secretary").count() >= 15
    assert DevelopmentStep.objects.filter(kind="application").exists()
    assert Transfer.objects.filter(status="issued").exists()
    demo = Organization.objects.get(grants__user__username="secretary", grants__role="secretary")
    assert Transfer.objects.filter(to_org=demo, status="issued").exists()
    assert {d.kind for d in reminders.due(timezone.now())} >= {"terms.expiring"}
