"""State changes of the 办实事 list. One transaction each, keyword-only ``actor``, audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit, periods
from branches.models import Member, Organization

from ..common import clean_text, require, user_or_none
from .models import Deed, DeedStatus


def _check_people(organization, responsible_organization, responsible_person):
    if responsible_organization is not None and not responsible_organization.path.startswith(organization.path):
        raise ValidationError(
            {"responsible_organization": _("The responsible organisation must be within the unit keeping the list.")}
        )
    if responsible_person is not None:
        within = Organization.objects.filter(pk=responsible_person.organization_id, path__startswith=organization.path)
        if not within.exists():
            raise ValidationError({"responsible_person": _("Choose the responsible person from the unit's register.")})


def _check_satisfaction(value):
    if value is not None and not 0 <= int(value) <= 100:
        raise ValidationError({"satisfaction": _("Satisfaction is a percentage from 0 to 100.")})


@transaction.atomic
def create_deed(
    *,
    actor,
    organization: Organization,
    title: str,
    deadline: datetime.date,
    problem: str = "",
    responsible_organization: Organization | None = None,
    responsible_person: Member | None = None,
    year: int | None = None,
) -> Deed:
    require(actor, organization, "practice.change")
    if not clean_text(title, 200):
        raise ValidationError({"title": _("Say what the practical item is.")})
    if deadline is None:
        raise ValidationError({"deadline": _("Enter the deadline.")})
    _check_people(organization, responsible_organization, responsible_person)
    deed = Deed.objects.create(
        organization=organization,
        year=year or deadline.year,
        title=clean_text(title, 200),
        problem=(problem or "").strip(),
        responsible_organization=responsible_organization,
        responsible_person=responsible_person,
        deadline=deadline,
        created_by=user_or_none(actor),
    )
    audit.record(actor, "deed.create", deed, after=audit.snapshot(deed))
    return deed


@transaction.atomic
def update_deed(*, actor, deed: Deed, today: datetime.date | None = None, **fields) -> Deed:
    """Change the item's progress: status, result, satisfaction, deadline, who is responsible.

    Completing an item needs its result. A completed item published on the showcase stays as published:
    take it off the showcase first to change it.
    """
    deed = Deed.objects.select_for_update().select_related("organization").get(pk=deed.pk)
    require(actor, deed.organization, "practice.change")
    if deed.published_at is not None:
        raise ValidationError(_("This item is on the showcase; take it off the showcase before changing it."))
    before = audit.snapshot(deed)
    for name in ("title", "problem", "result"):
        if name in fields:
            setattr(deed, name, (fields[name] or "").strip())
    for name in ("deadline", "responsible_organization", "responsible_person", "satisfaction"):
        if name in fields:
            setattr(deed, name, fields[name])
    if "status" in fields:
        if fields["status"] not in DeedStatus.values:
            raise ValidationError({"status": _("Choose the status from the list.")})
        deed.status = fields["status"]
    if not deed.title:
        raise ValidationError({"title": _("Say what the practical item is.")})
    _check_people(deed.organization, deed.responsible_organization, deed.responsible_person)
    _check_satisfaction(deed.satisfaction)
    if deed.status == DeedStatus.DONE:
        if not deed.result:
            raise ValidationError({"result": _("Describe the result before marking the item completed.")})
        deed.completed_on = deed.completed_on or today or periods.today()
    else:
        deed.completed_on = None
    deed.save()
    audit.record(actor, "deed.update", deed, before=before, after=audit.snapshot(deed))
    return deed


@transaction.atomic
def publish_deed(*, actor, deed: Deed, publish: bool = True) -> Deed:
    """Put a completed item with its result on the showcase page (or take it off)."""
    deed = Deed.objects.select_for_update().select_related("organization").get(pk=deed.pk)
    require(actor, deed.organization, "practice.manage")
    before = audit.snapshot(deed)
    if publish:
        if deed.status != DeedStatus.DONE or not deed.result:
            raise ValidationError(_("Only completed items with their result can be shown."))
        deed.published_at = deed.published_at or timezone.now()
    else:
        deed.published_at = None
    deed.save(update_fields=["published_at", "updated_at"])
    audit.record(
        actor, "deed.publish" if publish else "deed.unpublish", deed, before=before, after=audit.snapshot(deed)
    )
    return deed
