import datetime

from django.utils import timezone

from supervision import services
from supervision.models import (
    Card,
    EscalationRule,
    Finding,
    FindingCategory,
    Rectification,
    SupervisionTask,
    TaskTarget,
)
from tests.scoping import MARK, sample
from tests.supervision.reference import ensure_reference_data


def _task(world, title=f"{MARK}督查任务"):
    ensure_reference_data()
    task = services.create_task(
        actor=world.committee,
        title=title,
        kind="routine",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        targets=[world.branch_a1],
        inspectors=[world.inspector],
        organization=world.root,
    )
    return services.issue_task(actor=world.committee, task=task)


def _finding(world):
    target = _task(world).targets.get()
    return services.record_finding(
        actor=world.inspector,
        target=target,
        category=FindingCategory.objects.first(),
        severity="general",
        description=f"{MARK}问题",
        measures=f"{MARK}整改措施",
        rectification_deadline=timezone.localdate() + datetime.timedelta(days=10),
    )


@sample(SupervisionTask, insiders=("committee", "inspector", "unit_admin", "secretary"))
def supervision_task(world):
    return _task(world)


@sample(TaskTarget, insiders=("committee", "inspector"))
def task_target(world):
    return _task(world).targets.get()


@sample(Finding, insiders=("committee", "inspector", "unit_admin", "secretary"))
def finding(world):
    return _finding(world)


@sample(Rectification, insiders=("committee", "inspector", "unit_admin", "secretary"))
def rectification(world):
    return _finding(world).rectifications.get()


@sample(Card, insiders=("committee", "inspector", "unit_admin", "secretary"))
def card(world):
    rect = _finding(world).rectifications.get()
    return Card.objects.create(
        rule=EscalationRule.objects.get(code="overdue-1"),
        colour="yellow",
        organization=world.branch_a1,
        rectification=rect,
        reason=f"{MARK}逾期",
        issued_at=timezone.now(),
    )
