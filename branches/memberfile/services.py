"""State changes of the member file. One transaction each, keyword-only ``actor``, audited.

Mobility and lost contact also set the member's register status (流动 / 失联 / 正常), audited on the member.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import audit
from ..models import Member, MemberStatus, Organization
from ..stats import REGISTER_FIGURES
from .models import (
    AbroadRecord,
    CareKind,
    CareRecord,
    DisciplineKind,
    LostContactRecord,
    MobileActivity,
    MobileRecord,
    RecordKind,
    RewardDiscipline,
)

# 党章 第四十条: 留党察看最长不超过二年.
PROBATION_MAX_DAYS = 2 * 366


def _require(actor, member: Member, permission: str = "memberfile.change") -> None:
    if actor is audit.SYSTEM or getattr(actor, "is_superuser", False):
        return
    if not Organization.objects.visible_to(actor, permission).filter(pk=member.organization_id).exists():
        raise PermissionDenied(_("You may not keep the file of %(name)s.") % {"name": member.name})


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _set_status(actor, member: Member, status: str, *, only_from=None) -> None:
    if member.status == status or (only_from and member.status not in only_from):
        return
    before = audit.snapshot(member, ["status"])
    Member.objects.filter(pk=member.pk).update(status=status)
    REGISTER_FIGURES.changed()  # the status decides who counts as a party member (no signal for update)
    member.status = status
    audit.record(actor, "member.status_changed", member, before=before, after={"status": status})


def _text(value, field: str, message: str, limit: int = 300) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value[:limit]


def _create(actor, model, action: str, **fields):
    obj = model.objects.create(created_by=_user(actor), **fields)
    audit.record(actor, action, obj, after=audit.snapshot(obj))
    return obj


@transaction.atomic
def record_mobile(
    *,
    actor,
    member: Member,
    place: str,
    since: datetime.date,
    contact: str = "",
    receiving_org: str = "",
    card_no: str = "",
    note: str = "",
) -> MobileRecord:
    _require(actor, member)
    if MobileRecord.objects.filter(member=member, until__isnull=True).exists():
        raise ValidationError(_("This member is already recorded as mobile; record the return first."))
    record = _create(
        actor,
        MobileRecord,
        "memberfile.mobile_recorded",
        member=member,
        place=_text(place, "place", _("Say where the member works or lives now."), 200),
        since=since,
        contact=(contact or "").strip()[:100],
        receiving_org=(receiving_org or "").strip()[:200],
        card_no=(card_no or "").strip()[:50],
        note=(note or "").strip()[:300],
    )
    _set_status(actor, member, MemberStatus.MOBILE, only_from=(MemberStatus.NORMAL,))
    return record


@transaction.atomic
def end_mobile(*, actor, record: MobileRecord, until: datetime.date) -> MobileRecord:
    record = MobileRecord.objects.select_for_update().select_related("member").get(pk=record.pk)
    _require(actor, record.member)
    if record.until is not None:
        raise ValidationError(_("The return is already recorded."))
    if until < record.since:
        raise ValidationError({"until": _("The return cannot be before the start.")})
    before = audit.snapshot(record)
    record.until = until
    record.save(update_fields=["until"])
    audit.record(actor, "memberfile.mobile_ended", record, before=before, after=audit.snapshot(record))
    _set_status(actor, record.member, MemberStatus.NORMAL, only_from=(MemberStatus.MOBILE,))
    return record


@transaction.atomic
def add_mobile_activity(
    *, actor, record: MobileRecord, date: datetime.date, organization_name: str, content: str
) -> MobileActivity:
    _require(actor, record.member)
    activity = MobileActivity.objects.create(
        record=record,
        date=date,
        organization_name=_text(organization_name, "organization_name", _("Say who held it."), 200),
        content=_text(content, "content", _("Say what it was.")),
    )
    audit.record(actor, "memberfile.mobile_activity", record, after={"date": date, "content": activity.content})
    return activity


@transaction.atomic
def record_abroad(
    *,
    actor,
    member: Member,
    destination: str,
    departed_on: datetime.date,
    purpose: str = "",
    expected_return: datetime.date | None = None,
) -> AbroadRecord:
    _require(actor, member)
    if expected_return and expected_return < departed_on:
        raise ValidationError({"expected_return": _("The return cannot be before the departure.")})
    return _create(
        actor,
        AbroadRecord,
        "memberfile.abroad_recorded",
        member=member,
        destination=_text(destination, "destination", _("Say where the member went."), 200),
        purpose=(purpose or "").strip()[:200],
        departed_on=departed_on,
        expected_return=expected_return,
    )


@transaction.atomic
def record_return(*, actor, record: AbroadRecord, returned_on: datetime.date) -> AbroadRecord:
    record = AbroadRecord.objects.select_for_update().select_related("member").get(pk=record.pk)
    _require(actor, record.member)
    if record.returned_on is not None:
        raise ValidationError(_("The return is already recorded."))
    if returned_on < record.departed_on:
        raise ValidationError({"returned_on": _("The return cannot be before the departure.")})
    before = audit.snapshot(record)
    record.returned_on = returned_on
    record.save(update_fields=["returned_on"])
    audit.record(actor, "memberfile.abroad_returned", record, before=before, after=audit.snapshot(record))
    return record


@transaction.atomic
def record_lost_contact(
    *, actor, member: Member, last_contact_on: datetime.date, search_steps: str
) -> LostContactRecord:
    _require(actor, member)
    if LostContactRecord.objects.filter(member=member, found_on__isnull=True).exists():
        raise ValidationError(_("This member is already recorded as out of contact."))
    record = _create(
        actor,
        LostContactRecord,
        "memberfile.lost_contact",
        member=member,
        last_contact_on=last_contact_on,
        search_steps=_text(
            search_steps, "search_steps", _("Write down how the branch tried to reach the member."), 4000
        ),
    )
    _set_status(actor, member, MemberStatus.LOST_CONTACT, only_from=(MemberStatus.NORMAL, MemberStatus.MOBILE))
    return record


@transaction.atomic
def add_search_step(*, actor, record: LostContactRecord, step: str, on: datetime.date) -> LostContactRecord:
    record = LostContactRecord.objects.select_for_update().select_related("member").get(pk=record.pk)
    _require(actor, record.member)
    before = audit.snapshot(record)
    record.search_steps = f"{record.search_steps}\n{on.isoformat()} {_text(step, 'step', _('Write down the step.'))}"
    record.save(update_fields=["search_steps"])
    audit.record(actor, "memberfile.search_step", record, before=before, after=audit.snapshot(record))
    return record


@transaction.atomic
def record_found(*, actor, record: LostContactRecord, found_on: datetime.date) -> LostContactRecord:
    record = LostContactRecord.objects.select_for_update().select_related("member").get(pk=record.pk)
    _require(actor, record.member)
    if record.found_on is not None:
        raise ValidationError(_("Contact is already recorded as restored."))
    before = audit.snapshot(record)
    record.found_on = found_on
    record.save(update_fields=["found_on"])
    audit.record(actor, "memberfile.contact_restored", record, before=before, after=audit.snapshot(record))
    _set_status(actor, record.member, MemberStatus.NORMAL, only_from=(MemberStatus.LOST_CONTACT,))
    return record


@transaction.atomic
def record_reward_discipline(
    *,
    actor,
    member: Member,
    kind: str,
    title: str,
    document_no: str,
    date: datetime.date,
    issuing_body: str,
    discipline: str = "",
    ends_on: datetime.date | None = None,
    note: str = "",
) -> RewardDiscipline:
    _require(actor, member)
    if kind not in RecordKind.values:
        raise ValidationError({"kind": _("Choose reward or discipline.")})
    if kind == RecordKind.DISCIPLINE and discipline not in DisciplineKind.values:
        raise ValidationError({"discipline": _("Choose the kind of discipline.")})
    if kind == RecordKind.REWARD:
        discipline, ends_on = "", None
    if discipline == DisciplineKind.PROBATION:
        if ends_on is None or ends_on <= date:
            raise ValidationError({"ends_on": _("Give the day the probation within the party ends.")})
        if (ends_on - date).days > PROBATION_MAX_DAYS:
            raise ValidationError({"ends_on": _("Probation within the party lasts at most two years.")})
    return _create(
        actor,
        RewardDiscipline,
        "memberfile.reward_discipline",
        member=member,
        kind=kind,
        title=_text(title, "title", _("Give the title of the reward or discipline."), 200),
        discipline=discipline,
        document_no=_text(document_no, "document_no", _("Give the document number."), 100),
        date=date,
        issuing_body=_text(issuing_body, "issuing_body", _("Give the issuing body."), 200),
        ends_on=ends_on,
        note=(note or "").strip()[:300],
    )


def has_voting_rights_restriction(member: Member, on_date: datetime.date) -> bool:
    """True while the member is under 留党察看 on ``on_date``: no vote, cannot elect or be elected
    (党章 第四十条; 基层组织选举工作条例). The election rules call this."""
    return RewardDiscipline.objects.filter(
        member_id=member.pk,
        kind=RecordKind.DISCIPLINE,
        discipline=DisciplineKind.PROBATION,
        date__lte=on_date,
        ends_on__gt=on_date,
    ).exists()


def members_without_vote(members, on_date: datetime.date):
    """The members of ``members`` (a queryset) under 留党察看 on ``on_date``: one query."""
    return members.filter(
        pk__in=RewardDiscipline.objects.filter(
            kind=RecordKind.DISCIPLINE, discipline=DisciplineKind.PROBATION, date__lte=on_date, ends_on__gt=on_date
        ).values("member_id")
    )


@transaction.atomic
def record_care(
    *,
    actor,
    member: Member,
    kind: str,
    date: datetime.date,
    situation: str,
    help_given: str = "",
    amount: Decimal | None = None,
) -> CareRecord:
    _require(actor, member)
    if kind not in CareKind.values:
        raise ValidationError({"kind": _("Choose help in hardship or a visit.")})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    record = CareRecord.objects.create(
        member=member,
        kind=kind,
        date=date,
        situation=_text(situation, "situation", _("Describe the member's situation."), 4000),
        help_given=(help_given or "").strip()[:4000],
        amount=amount,
        created_by=_user(actor),
    )
    # The details are sensitive: the audit keeps that they were written, not what they say.
    audit.record(
        actor, "memberfile.care_recorded", record, after=audit.snapshot(record, ["member", "kind", "date", "amount"])
    )
    return record


def may_see_care(user, member: Member) -> bool:
    return Organization.objects.visible_to(user, "care.view").filter(pk=member.organization_id).exists()


def care_viewed(user, records, *, organization=None) -> None:
    """Audit, in one entry, that ``user`` saw these care records in clear (call only when they were shown)."""
    ids = [r.pk for r in records]
    if ids:
        audit.record(
            user,
            "memberfile.care_viewed",
            object_type="branches.carerecord",
            object_id=",".join(map(str, ids))[:60],
            object_repr=_("%(n)s care records") % {"n": len(ids)},
            organization=organization,
            after={"care_records": ids},
        )
