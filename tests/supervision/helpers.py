"""Build supervision records for tests through the services (fixed clocks)."""

import datetime

from django.utils import timezone

from supervision import services
from supervision.models import FindingCategory, TaskKind

NOW = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))  # a Monday


def at(y, m, d, hour=10):
    return timezone.make_aware(datetime.datetime(y, m, d, hour, 0))


def issued_task(world, *, targets=None, kind=TaskKind.ROUTINE, title="专项督查", deadline=None, now=NOW):
    task = services.create_task(
        actor=world.committee,
        title=title,
        kind=kind,
        deadline=deadline or datetime.date(2026, 3, 31),
        targets=targets or [world.branch_a1],
        inspectors=[world.inspector],
        organization=world.root,
    )
    return services.issue_task(actor=world.committee, task=task, now=now)


def finding_for(world, task=None, *, org=None, category="组织建设", severity="general", deadline=None, now=NOW, **kw):
    task = task or issued_task(world)
    target = task.targets.get(organization=org or world.branch_a1)
    return services.record_finding(
        actor=world.inspector,
        target=target,
        category=FindingCategory.objects.get(name=category),
        severity=severity,
        description=kw.pop("description", "三会一课记录不全"),
        rectification_deadline=deadline or datetime.date(2026, 3, 20),
        now=now,
        **kw,
    )
