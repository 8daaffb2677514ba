"""Audiences and assignments: who must study a module, materialised now and by the daily sweep."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Member, Organization
from branches.models.members import ACTIVE_STATUSES
from branches.roles import Role

from ..metrics import FIGURES
from ..models import (
    Assignment,
    Audience,
    StudyModule,
)
from .common import _now, _require


def audience_members(audience: Audience):
    """The members an audience covers now (a queryset: one query when evaluated)."""
    people_ids = list(audience.people.values_list("pk", flat=True)) if audience.pk else []
    qs = Member.objects.filter(status__in=ACTIVE_STATUSES)
    if people_ids:
        return qs.filter(pk__in=people_ids)
    org = audience.organization
    if audience.include_subtree:
        qs = qs.filter(organization__path__startswith=org.path)
    else:
        qs = qs.filter(organization=org)
    if audience.category:
        qs = qs.filter(category=audience.category)
    if audience.role:
        qs = qs.filter(user__grants__role=audience.role).distinct()
    return qs


def _materialise(audience: Audience, now) -> list[int]:
    """Create the missing assignments for an audience; returns the member ids that got one."""
    module = audience.module
    already = Assignment.objects.filter(module=module).values("member_id")
    missing = list(audience_members(audience).exclude(pk__in=already).values_list("pk", flat=True))
    if not missing:
        return []
    due = audience.due_date
    if due is None and audience.due_days is not None:
        due = timezone.localtime(now).date() + datetime.timedelta(days=audience.due_days)
    Assignment.objects.bulk_create(
        [Assignment(module=module, member_id=pk, audience=audience, assigned_at=now, due_date=due) for pk in missing],
        ignore_conflicts=True,
        batch_size=1000,
    )
    FIGURES.changed()  # bulk_create sends no post_save
    return missing


@transaction.atomic
def assign_module(
    *,
    actor,
    module: StudyModule,
    organization: Organization,
    include_subtree: bool = True,
    role: str = "",
    category: str = "",
    people: list[Member] | None = None,
    due_date: datetime.date | None = None,
    due_days: int | None = None,
    now=None,
) -> tuple[Audience, int]:
    now = _now(now)
    _require(actor, "study.manage", module.organization)
    _require(actor, "study.manage", organization)
    if (due_date is None) == (due_days is None):
        raise ValidationError(_("Give either a due date or a number of days after assignment, not both."))
    if due_date is not None and due_date < timezone.localtime(now).date():
        raise ValidationError({"due_date": _("The due date is already past.")})
    if role and role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    people = list(people or [])
    for person in people:
        if not person.organization.is_descendant_of(organization):
            raise ValidationError(_("%(name)s is not in %(org)s.") % {"name": person.name, "org": organization.name})
    audience = Audience.objects.create(
        module=module,
        organization=organization,
        include_subtree=include_subtree,
        role=role,
        category=category,
        due_date=due_date,
        due_days=due_days,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if people:
        audience.people.set(people)
    created = _materialise(audience, now)
    audit.record(
        actor,
        "study.module_assigned",
        audience,
        organization=module.organization,
        after={**audit.snapshot(audience), "people": [p.pk for p in people], "assigned_members": created},
    )
    return audience, len(created)


def sweep_assignments(*, now=None) -> int:
    """Give every active audience's newcomers (new members, transfers in) their assignment. Idempotent."""
    now = _now(now)
    total = 0
    for audience_id in Audience.objects.filter(is_active=True).values_list("pk", flat=True):
        total += _sweep_one(audience_id, now)
    return total


@transaction.atomic
def _sweep_one(audience_id: int, now) -> int:
    audience = Audience.objects.select_related("module", "organization").get(pk=audience_id)
    created = _materialise(audience, now)
    if created:
        audit.record(
            audit.SYSTEM,
            "study.assignments_swept",
            audience,
            organization=audience.module.organization,
            after={"assigned_members": created},
        )
    return len(created)
