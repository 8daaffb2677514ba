"""Who sees which supervision records.

Targets see their own items (organisation scope through ``supervision.view`` /
``supervision.respond``), inspectors the tasks they are assigned to, the
committee everything under it. Always SQL subqueries, never id lists.
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

ACTION_PERMISSIONS = {
    "view": "supervision.view",
    "change": "supervision.manage",
    "manage": "supervision.manage",
    "respond": "supervision.respond",
    "inspect": "supervision.manage",
}
# Actions an assigned inspector may take on the tasks they are on.
INSPECTOR_ACTIONS = {"view", "inspect"}


def _orgs(user, action):
    Organization = apps.get_model("branches", "Organization")
    return Organization.objects.visible_to(user, ACTION_PERMISSIONS[action]).values("pk")


def _inspector_on(user, task_ref):
    Task = apps.get_model("supervision", "SupervisionTask")
    return Exists(Task.inspectors.through.objects.filter(supervisiontask_id=OuterRef(task_ref), user_id=user.pk))


class _SupervisionQuerySet(models.QuerySet):
    org_path: str = ""  # lookup to the target organisation
    task_path: str = ""  # lookup to the task id

    def visible_to(self, user, action: str = "view"):
        if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        condition = self._org_condition(user, action)
        if action in INSPECTOR_ACTIONS and user.pk is not None:
            condition |= Q(_inspector_on(user, self.task_path))
        return self.filter(condition)

    def _org_condition(self, user, action):
        return Q(**{f"{self.org_path}__in": _orgs(user, action)})


class TaskQuerySet(_SupervisionQuerySet):
    task_path = "pk"

    def _org_condition(self, user, action):
        TaskTarget = apps.get_model("supervision", "TaskTarget")
        orgs = _orgs(user, action)
        # The issuing committee, or any of the task's targets the user covers.
        return Q(organization__in=orgs) | Q(
            Exists(TaskTarget.objects.filter(task_id=OuterRef("pk"), organization__in=orgs))
        )


class TargetQuerySet(_SupervisionQuerySet):
    org_path = "organization"
    task_path = "task_id"


class FindingQuerySet(_SupervisionQuerySet):
    org_path = "target__organization"
    task_path = "target__task_id"


class RectificationQuerySet(_SupervisionQuerySet):
    org_path = "owner_org"
    task_path = "finding__target__task_id"

    def _org_condition(self, user, action):
        orgs = _orgs(user, action)
        return Q(owner_org__in=orgs) | Q(finding__target__organization__in=orgs)

    def open(self):
        return self.exclude(status="closed")


class CardQuerySet(_SupervisionQuerySet):
    org_path = "organization"
    task_path = "rectification__finding__target__task_id"

    def visible_to(self, user, action: str = "view"):
        qs = super().visible_to(user, action)
        if action in INSPECTOR_ACTIONS and user is not None and getattr(user, "pk", None) and not user.is_superuser:
            # Cards on a finding (no rectification): the finding's task.
            qs = self.filter(Q(pk__in=qs.values("pk")) | Q(_inspector_on(user, "finding__target__task_id")))
        return qs

    def active(self):
        return self.filter(revoked_at__isnull=True, cleared_at__isnull=True)


# --- Conditions shared by the metrics (supervision/metrics.py) and the lists they link to -------------
# One definition each, so a dashboard figure and the filtered list behind it count the same rows.


def open_on(day) -> Q:
    """Rectifications open at the end of ``day``: recorded by then, not closed by then."""
    return Q(finding__recorded_at__date__lte=day) & (Q(closed_at__isnull=True) | Q(closed_at__date__gt=day))


def late_by(cutoff) -> Q:
    """A deadline before ``cutoff``, the paused clock counted: an item waiting on the inspector since on or
    before its deadline is not late (its deadline moves on while it waits; services/clock.py)."""
    paused_in_time = Q(
        status__in=("plan_proposed", "recheck"),
        waiting_since__isnull=False,
        waiting_since__lte=models.F("effective_deadline"),
    )
    return Q(effective_deadline__lt=cutoff) & ~paused_in_time


def overdue_on(day, cutoff) -> Q:
    """Open at the end of ``day`` with a deadline before ``cutoff`` (``WorkCalendar.overdue_cutoff``)."""
    return open_on(day) & late_by(cutoff)


def closed_in(period) -> Q:
    """Rectifications closed (销号) within the period."""
    return Q(closed_at__gte=period.start_datetime(), closed_at__lt=period.end_datetime())


def closed_on_time() -> Q:
    """Closed on or before the (possibly extended) deadline."""
    return Q(closed_at__date__lte=models.F("effective_deadline"))


def cards_issued_in(period) -> Q:
    """Cards issued within the period and not revoked (a revoked card counts as never issued)."""
    return Q(issued_at__gte=period.start_datetime(), issued_at__lt=period.end_datetime(), revoked_at__isnull=True)
