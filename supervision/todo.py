"""我的待办 from supervision: what each side must do next (``WAITING_ON`` says whose turn it is).

- the target's side (secretary, unit admin: ``supervision.respond``): tasks to sign for and report on,
  rectification plans to propose and progress to report;
- the inspector's side (assigned inspectors, committee staff): reports to review, plans to approve,
  rechecks to do.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import has_permission
from branches.events import TodoItem

from .models import Rectification, StageReport, SupervisionTask, TaskTarget
from .querysets import ACTION_PERMISSIONS

COVERS = {"supervision.task_deadline", "supervision.rectification_deadline"}
R = Rectification.Status


def _item(kind, obj_type, pk, title, due, url, today, org_id):
    return TodoItem(kind, obj_type, pk, title, due, url, due < today, org_id)


def _may_inspect(user) -> bool:
    """Whether the inspector's side can hold anything for the user: the committee's staff (the permission in
    some scope) or an inspector assigned to a task (any task: a closed task's rectifications still come back
    for a recheck). One indexed query at most; a member, who is neither, is spared the side's two queries
    (我的待办 is the page members open most)."""
    if has_permission(user, ACTION_PERMISSIONS["inspect"]):
        return True
    return SupervisionTask.inspectors.through.objects.filter(user_id=user.pk).exists()


def items(user, now):
    today = timezone.localdate(now)
    respond = has_permission(user, ACTION_PERMISSIONS["respond"])
    inspect = _may_inspect(user)
    if respond:
        yield from _target_items(user, today)
    yield from _rectification_items(user, today, respond=respond, inspect=inspect)
    if inspect:
        yield from _report_items(user, today)


def _target_items(user, today):
    """The target's side: tasks to sign for and report on."""
    issued = SupervisionTask.Status.ISSUED
    targets = (
        TaskTarget.objects.visible_to(user, "respond")
        .filter(task__status=issued)
        .exclude(status=TaskTarget.Status.COMPLETED)
        .exclude(reports__status=StageReport.Status.SUBMITTED)
        .order_by()  # 我的待办 sorts every item itself
        .values_list("pk", "status", "task__title", "task__deadline", "organization_id", "organization__name")
        .distinct()
    )
    for pk, status, title, deadline, org_id, org_name in targets:
        if status == TaskTarget.Status.PENDING:
            text = _("%(org)s: sign for the supervision task “%(title)s”")
        else:
            text = _("%(org)s: report on the supervision task “%(title)s”")
        url = reverse("supervision:target_detail", args=[pk])
        yield _item("supervision.target", "supervision.tasktarget", pk, text % {"org": org_name, "title": title},
                    deadline, url, today, org_id)  # fmt: skip


def _rectification_items(user, today, *, respond: bool, inspect: bool):
    mine = {R.AWAITING_PLAN: _("%(org)s: propose the rectification plan for “%(item)s”"),
            R.IN_PROGRESS: _("%(org)s: carry out and report the rectification “%(item)s”")}  # fmt: skip
    theirs = {R.PLAN_PROPOSED: _("%(org)s: approve or return the rectification plan for “%(item)s”"),
              R.RECHECK: _("%(org)s: recheck the rectification “%(item)s”")}  # fmt: skip
    # Both sides' rectifications in one query: the statuses each side acts on are disjoint.
    texts = {**mine, **theirs}
    sides = []
    if respond:
        sides.append(Rectification.objects.visible_to(user, "respond").filter(status__in=list(mine)))
    if inspect:
        sides.append(Rectification.objects.visible_to(user, "inspect").filter(status__in=list(theirs)))
    if not sides:
        return
    rows = reduce(or_, sides).values_list(
        "pk", "status", "measures", "effective_deadline", "owner_org_id", "owner_org__name"
    )
    for pk, status, measures, deadline, org_id, org_name in rows:
        text = texts[status] % {"org": org_name, "item": measures[:40]}
        url = reverse("supervision:rectification_detail", args=[pk])
        yield _item("supervision.rectification", "supervision.rectification", pk, text, deadline, url, today, org_id)


def _report_items(user, today):
    """The inspector's side: reports waiting for review."""
    issued = SupervisionTask.Status.ISSUED
    reports = (
        StageReport.objects.filter(
            status=StageReport.Status.SUBMITTED,
            target__in=TaskTarget.objects.visible_to(user, "inspect").filter(task__status=issued),
        )
        .order_by()
        .values_list(
            "pk",
            "target_id",
            "target__task__title",
            "target__task__deadline",
            "target__organization_id",
            "target__organization__name",
        )  # fmt: skip
    )
    for pk, target_id, title, deadline, org_id, org_name in reports:
        text = _("%(org)s: review the report on “%(title)s”") % {"org": org_name, "title": title}
        url = reverse("supervision:target_detail", args=[target_id])
        yield _item("supervision.report_review", "supervision.stagereport", pk, text, deadline, url, today, org_id)
