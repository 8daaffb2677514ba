"""State changes of pairings and joint activities. One transaction each, keyword-only ``actor``, audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit, periods
from branches.models import Member, Organization
from branches.uploads import store_upload

from ..common import clean_text, may, require, user_or_none
from .models import ActivityKind, ActivityPhoto, JointActivity, Pairing, PartnerKind

PAIRING_FIELDS = ("partner_name", "partner_kind", "partner_district", "partner_contact", "goals", "annual_plan")
MAX_PHOTOS = 9


def _check_pairing(data: dict) -> None:
    if not clean_text(data.get("partner_name"), 100):
        raise ValidationError({"partner_name": _("Name the partner organisation.")})
    if data.get("partner_kind") not in PartnerKind.values:
        raise ValidationError({"partner_kind": _("Choose the partner's type from the list.")})


@transaction.atomic
def create_pairing(
    *,
    actor,
    organization: Organization,
    partner_name: str,
    partner_kind: str,
    start_date: datetime.date,
    partner_district: str = "",
    partner_contact: str = "",
    partner_organization: Organization | None = None,
    goals: str = "",
    annual_plan: str = "",
) -> Pairing:
    require(actor, organization, "practice.manage")
    _check_pairing({"partner_name": partner_name, "partner_kind": partner_kind})
    if start_date is None:
        raise ValidationError({"start_date": _("Enter the date the pairing starts.")})
    if partner_organization is not None and partner_organization.pk == organization.pk:
        raise ValidationError({"partner_organization": _("An organisation cannot pair with itself.")})
    pairing = Pairing.objects.create(
        organization=organization,
        partner_name=clean_text(partner_name, 100),
        partner_kind=partner_kind,
        partner_district=clean_text(partner_district, 50),
        partner_contact=clean_text(partner_contact, 100),
        partner_organization=partner_organization,
        start_date=start_date,
        goals=(goals or "").strip(),
        annual_plan=(annual_plan or "").strip(),
        created_by=user_or_none(actor),
    )
    audit.record(actor, "pairing.create", pairing, after=audit.snapshot(pairing))
    return pairing


@transaction.atomic
def update_pairing(*, actor, pairing: Pairing, **fields) -> Pairing:
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    require(actor, pairing.organization, "practice.manage")
    if not pairing.is_active:
        raise ValidationError(_("This pairing has ended; its record is kept as it was."))
    before = audit.snapshot(pairing)
    for name in PAIRING_FIELDS:
        if name in fields:
            setattr(pairing, name, (fields[name] or "").strip())
    _check_pairing({"partner_name": pairing.partner_name, "partner_kind": pairing.partner_kind})
    pairing.save()
    audit.record(actor, "pairing.update", pairing, before=before, after=audit.snapshot(pairing))
    return pairing


@transaction.atomic
def end_pairing(*, actor, pairing: Pairing, end_date: datetime.date, reason: str = "") -> Pairing:
    """End a pairing. Nothing is deleted: the pairing and its activities stay as history."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    require(actor, pairing.organization, "practice.manage")
    if not pairing.is_active:
        raise ValidationError(_("This pairing has already ended."))
    if end_date is None or end_date < pairing.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the pairing started.")})
    before = audit.snapshot(pairing)
    pairing.end_date = end_date
    pairing.end_reason = clean_text(reason, 300)
    pairing.save(update_fields=["end_date", "end_reason"])
    audit.record(actor, "pairing.end", pairing, before=before, after=audit.snapshot(pairing))
    return pairing


def side_of(actor, pairing: Pairing) -> Organization | None:
    """The side ``actor`` logs for: ours, else the partner's (when it is in the tree), else ``None``."""
    if may(actor, pairing.organization, "practice.change"):
        return pairing.organization
    if pairing.partner_organization_id and may(actor, pairing.partner_organization, "practice.change"):
        return pairing.partner_organization
    return None


def participant_choices(actor, pairing: Pairing):
    """Members of the actor's side the actor may see: the scoped choices of a joint activity's participants."""
    side = side_of(actor, pairing)
    if side is None:
        return Member.objects.none()
    return (
        Member.objects.visible_to(actor)
        .party_members()
        .filter(organization__path__startswith=side.path)
        .for_choices()
        .order_by("name", "id")
    )


def _activity_snapshot(activity: JointActivity) -> dict:
    data = audit.snapshot(activity)
    data["participants"] = sorted(activity.participants.values_list("pk", flat=True))
    data["photos"] = [p.original_name for p in activity.photos.all()]
    return data


@transaction.atomic
def log_activity(
    *,
    actor,
    pairing: Pairing,
    kind: str,
    title: str,
    date: datetime.date,
    place: str = "",
    participants=(),
    outside_count: int = 0,
    results: str = "",
    photos=(),
    today: datetime.date | None = None,
) -> JointActivity:
    """Log a joint activity held by the pairing, with our participants (from the register) and photos."""
    side = side_of(actor, pairing)
    if side is None:
        raise PermissionDenied(_("You may not log activities for this pairing."))
    today = today or periods.today()
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Choose the activity type from the list.")})
    if not clean_text(title, 200):
        raise ValidationError({"title": _("Give the activity a title.")})
    if date is None:
        raise ValidationError({"date": _("Enter the date the activity was held.")})
    if date > today:
        raise ValidationError({"date": _("Log an activity after it is held: the date cannot be in the future.")})
    if date < pairing.start_date or (pairing.end_date and date > pairing.end_date):
        raise ValidationError({"date": _("The date must fall while the pairing is in force.")})
    if outside_count is None or int(outside_count) < 0:
        raise ValidationError({"outside_count": _("The number of outside participants cannot be negative.")})
    people = list(participants or ())
    if people:
        allowed = set(
            participant_choices(actor, pairing).filter(pk__in=[m.pk for m in people]).values_list("pk", flat=True)
        )
        if len(allowed) != len({m.pk for m in people}):
            raise ValidationError({"participants": _("Choose participants from your own organisation's register.")})
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS}})
    activity = JointActivity.objects.create(
        pairing=pairing,
        kind=kind,
        title=clean_text(title, 200),
        date=date,
        place=clean_text(place, 200),
        outside_count=int(outside_count),
        results=(results or "").strip(),
        logged_by=user_or_none(actor),
    )
    activity.participants.set(people)
    for uploaded in photos:
        _store_photo(actor, activity, uploaded)
    audit.record(actor, "pairing.activity.log", activity, after=_activity_snapshot(activity))
    return activity


def _store_photo(actor, activity: JointActivity, uploaded) -> ActivityPhoto:
    photo = store_upload(ActivityPhoto(activity=activity), uploaded, kinds=("image",), user=actor)
    photo.save()
    return photo


@transaction.atomic
def add_photo(*, actor, activity: JointActivity, uploaded) -> ActivityPhoto:
    if side_of(actor, activity.pairing) is None:
        raise PermissionDenied(_("You may not log activities for this pairing."))
    if activity.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"photos": _("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS}})
    before = _activity_snapshot(activity)
    photo = _store_photo(actor, activity, uploaded)
    audit.record(actor, "pairing.activity.photo", activity, before=before, after=_activity_snapshot(activity))
    return photo
