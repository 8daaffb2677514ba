"""What is due (never sends anything): the portal's reminder engine reads ``due(now)``.

Task deadlines: T-7, T-3, T-1 and overdue, to the target organisation's secretaries.
Rectification deadlines: T-3 and overdue, to the owner, the owner organisation's secretaries and
the task's inspectors. For each item only the latest step reached is yielded; the engine
de-duplicates on (kind, object, step, recipient), so a missed day still catches up.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import holders
from branches.events import Due
from branches.models import Organization
from branches.roles import Role

from .accountability import reminders as _accountability
from .campaigns import reminders as _campaigns
from .models import Rectification, SupervisionTask, TaskTarget

TASK_STEPS = [(7, "T-7"), (3, "T-3"), (1, "T-1")]
RECT_STEPS = [(3, "T-3")]


def _step(deadline: datetime.date, today: datetime.date, steps) -> str | None:
    if today > deadline:
        return "overdue"
    reached = None
    for days, name in steps:
        if today >= deadline - datetime.timedelta(days=days):
            reached = name
    return reached


def _secretaries(org_ids) -> dict[int, set[int]]:
    """The secretaries over each organisation: ``branches.access.holders`` (a grant on it, or a subtree
    grant on an ancestor; active accounts, sealed grants), see docs/reminders.md."""
    if not org_ids:
        return {}
    return holders(Organization.objects.filter(pk__in=set(org_ids)).only("pk", "path"), [Role.SECRETARY])


def due(now=None) -> Iterable[Due]:
    now = now or timezone.now()
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    horizon = today + datetime.timedelta(days=7)

    targets = list(
        TaskTarget.objects.filter(task__status=SupervisionTask.Status.ISSUED, task__deadline__lte=horizon)
        .exclude(status=TaskTarget.Status.COMPLETED)
        .select_related("task")
    )
    rects = list(
        Rectification.objects.open()
        .filter(effective_deadline__lte=today + datetime.timedelta(days=3))
        .select_related("finding__target")
    )
    secretaries = _secretaries([t.organization_id for t in targets] + [r.owner_org_id for r in rects])
    inspectors = defaultdict(set)
    task_ids = {r.finding.target.task_id for r in rects}
    for task_id, user_id in SupervisionTask.inspectors.through.objects.filter(
        supervisiontask_id__in=task_ids
    ).values_list("supervisiontask_id", "user_id"):
        inspectors[task_id].add(user_id)

    for target in targets:
        step = _step(target.task.deadline, today, TASK_STEPS)
        if step is None:
            continue
        title = (
            _("Supervision task “%(title)s” is overdue (due %(deadline)s): report now.")
            if step == "overdue"
            else _("Supervision task “%(title)s” is due on %(deadline)s: acknowledge and report in time.")
        ) % {"title": target.task.title, "deadline": target.task.deadline}
        for user_id in sorted(secretaries.get(target.organization_id, ())):
            yield Due(
                kind="supervision.task_deadline",
                object_type="supervision.tasktarget",
                object_id=target.pk,
                step=step,
                recipient_id=user_id,
                due_at=target.task.deadline,
                title=title,
                url=reverse("supervision:target_detail", args=[target.pk]),
                urgent=step == "overdue",
                organization_id=target.organization_id,
            )

    for rect in rects:
        step = _step(rect.effective_deadline, today, RECT_STEPS)
        if step is None:
            continue
        recipients = set(secretaries.get(rect.owner_org_id, ())) | inspectors.get(rect.finding.target.task_id, set())
        if rect.owner_person_id:
            recipients.add(rect.owner_person_id)
        waiting = rect.status in Rectification.WAITING_ON_INSPECTOR
        if waiting:  # the branch can do nothing now: only the inspectors are reminded, and nothing is 紧急
            recipients = set(inspectors.get(rect.finding.target.task_id, set()))
        title = (
            _("Rectification overdue (due %(deadline)s): %(measures)s")
            if step == "overdue"
            else _("Rectification due on %(deadline)s: %(measures)s")
        ) % {"deadline": rect.effective_deadline, "measures": rect.measures[:30]}
        for user_id in sorted(recipients):
            yield Due(
                kind="supervision.rectification_deadline",
                object_type="supervision.rectification",
                object_id=rect.pk,
                step=step,
                recipient_id=user_id,
                due_at=rect.effective_deadline,
                title=title,
                url=reverse("supervision:rectification_detail", args=[rect.pk]),
                urgent=step == "overdue" and not waiting,
                organization_id=rect.owner_org_id,
            )

    yield from _accountability.due(now)
    yield from _campaigns.due(now)
