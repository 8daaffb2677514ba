"""我的待办 from training: the member's study modules not yet completed, soonest due first."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.events import TodoItem

from .models import Assignment

COVERS = {"study.assignment_due"}


def items(user, now):
    today = timezone.localdate(now)
    rows = (
        Assignment.objects.filter(member__user=user, completed_at__isnull=True, due_date__isnull=False)
        .values_list("pk", "module__title", "due_date", "member__organization_id")
        .order_by("due_date", "pk")
    )
    for pk, title, due, org_id in rows:
        yield TodoItem(
            kind="study.assignment",
            object_type="training.assignment",
            object_id=pk,
            title=_("Study “%(title)s” by %(date)s") % {"title": title, "date": due.isoformat()},
            due_at=due,
            url=reverse("training:assignment_detail", args=[pk]),
            urgent=due <= today,
            organization_id=org_id,
        )
