"""State changes of 双报到 and volunteering. One transaction each, keyword-only ``actor``, audited."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit, periods
from branches.models import Member, Organization

from ..common import clean_text, may, require, user_or_none
from .models import CommunityReport, ResidenceRegistration, ServiceStatus, VolunteerService

MAX_HOURS_A_DAY = Decimal("24")


def is_self(actor, member: Member) -> bool:
    return getattr(actor, "pk", None) is not None and member.user_id == actor.pk


def _require_self_or_keeper(actor, member: Member) -> None:
    if is_self(actor, member) or may(actor, member.organization, "practice.change"):
        return
    raise PermissionDenied(_("You may only record your own service, or that of members you look after."))


@transaction.atomic
def report_unit(
    *,
    actor,
    organization: Organization,
    community: str,
    reported_on: datetime.date,
    district: str = "",
    contact: str = "",
) -> CommunityReport:
    require(actor, organization, "practice.manage")
    if not clean_text(community, 100):
        raise ValidationError({"community": _("Name the community.")})
    if reported_on is None:
        raise ValidationError({"reported_on": _("Enter the date of the report.")})
    report = CommunityReport.objects.create(
        organization=organization,
        community=clean_text(community, 100),
        district=clean_text(district, 50),
        contact=clean_text(contact, 100),
        reported_on=reported_on,
        created_by=user_or_none(actor),
    )
    audit.record(actor, "service.unit_report", report, after=audit.snapshot(report))
    return report


@transaction.atomic
def register_residence(
    *, actor, member: Member, community: str, district: str = "", registered_on: datetime.date | None = None
) -> ResidenceRegistration:
    """个人报到: record (or change) the community where the member lives."""
    _require_self_or_keeper(actor, member)
    if not clean_text(community, 100):
        raise ValidationError({"community": _("Name the community where you live.")})
    row = ResidenceRegistration.objects.select_for_update().filter(member=member).first()
    before = audit.snapshot(row) if row else None
    row = row or ResidenceRegistration(member=member)
    row.community = clean_text(community, 100)
    row.district = clean_text(district, 50)
    row.registered_on = registered_on or periods.today()
    row.save()
    audit.record(actor, "service.residence", row, before=before, after=audit.snapshot(row))
    return row


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"hours": _("Enter the hours as a number, e.g. 2 or 1.5.")}) from None
    if hours <= 0 or hours > MAX_HOURS_A_DAY:
        raise ValidationError({"hours": _("Hours must be more than 0 and at most 24 for one day.")})
    return hours


@transaction.atomic
def log_service(
    *,
    actor,
    member: Member,
    date: datetime.date,
    community: str,
    activity: str,
    hours,
    today: datetime.date | None = None,
) -> VolunteerService:
    _require_self_or_keeper(actor, member)
    today = today or periods.today()
    if date is None or date > today:
        raise ValidationError({"date": _("Log service after it is done: the date cannot be in the future.")})
    if not clean_text(activity, 200):
        raise ValidationError({"activity": _("Say what the service was.")})
    if not clean_text(community, 100):
        raise ValidationError({"community": _("Name the community served.")})
    service = VolunteerService.objects.create(
        member=member,
        date=date,
        community=clean_text(community, 100),
        activity=clean_text(activity, 200),
        hours=_hours(hours),
        logged_by=user_or_none(actor),
    )
    audit.record(actor, "service.log", service, after=audit.snapshot(service))
    return service


@transaction.atomic
def confirm_service(
    *, actor, service: VolunteerService, confirmer: str, confirmed: bool = True, note: str = ""
) -> VolunteerService:
    """The secretary records the community contact's confirmation (or that the community did not confirm)."""
    service = VolunteerService.objects.select_for_update().select_related("member__organization").get(pk=service.pk)
    require(actor, service.member.organization, "practice.change")
    if service.status != ServiceStatus.PENDING:
        raise ValidationError(_("This service record has already been answered."))
    if confirmed and not clean_text(confirmer, 100):
        raise ValidationError({"confirmer": _("Name the community contact who confirmed the service.")})
    before = audit.snapshot(service)
    service.status = ServiceStatus.CONFIRMED if confirmed else ServiceStatus.REJECTED
    service.confirmer = clean_text(confirmer, 100)
    service.note = clean_text(note, 200)
    service.confirmed_by = user_or_none(actor)
    service.confirmed_at = timezone.now()
    service.save(update_fields=["status", "confirmer", "note", "confirmed_by", "confirmed_at"])
    audit.record(actor, "service.confirm", service, before=before, after=audit.snapshot(service))
    return service
