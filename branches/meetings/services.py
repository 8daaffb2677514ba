"""State changes of meetings. One transaction each, keyword-only ``actor``, audited."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from .. import audit, events
from ..models import (
    Attendance,
    AttendanceStatus,
    CommitteeSeat,
    Meeting,
    MeetingAttachment,
    MeetingKind,
    MeetingKindRule,
    MeetingSettings,
    MeetingStatus,
    MeetingVersion,
    Member,
    Organization,
    Topic,
)
from ..models.meetings import Quorum, ReviewGrade
from ..models.members import MemberCategory
from ..uploads import store_upload

MEETING_FIELDS = [
    "title",
    "start",
    "end",
    "place",
    "host",
    "recorder",
    "minutes",
    "resolutions",
    "problems",
    "rectifications",
]
IGNORED_IN_HISTORY = {"version", "updated_at", "submitted_at", "submitted_by", "has_first_topic", "status"}
CHANGE_LABELS = {
    "title": pgettext_lazy("meetings", "title"),
    "start": pgettext_lazy("meetings", "Start"),
    "end": pgettext_lazy("meetings", "End"),
    "place": pgettext_lazy("meetings", "Place"),
    "host": pgettext_lazy("meetings", "Host"),
    "recorder": pgettext_lazy("meetings", "Recorder"),
    "minutes": pgettext_lazy("meetings", "Minutes"),
    "resolutions": pgettext_lazy("meetings", "Resolutions"),
    "topics": pgettext_lazy("meetings", "Topics"),
    "attendance": pgettext_lazy("meetings", "Attendance"),
}
SIGNIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# The short names secretaries use in a title ("12月支委会").
SHORT_KIND = {
    MeetingKind.MEMBER_ASSEMBLY: pgettext_lazy("meeting title", "General meeting"),
    MeetingKind.COMMITTEE: pgettext_lazy("meeting title", "Committee meeting"),
    MeetingKind.GROUP: pgettext_lazy("meeting title", "Group meeting"),
    MeetingKind.LECTURE: pgettext_lazy("meeting title", "Party lecture"),
    MeetingKind.THEME_DAY: pgettext_lazy("meeting title", "Theme party day"),
}


def _require(actor, organization: Organization, permission: str = "meeting.change") -> None:
    if actor is audit.SYSTEM or getattr(actor, "is_superuser", False):
        return
    if not Organization.objects.visible_to(actor, permission).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You may not record meetings for %(org)s.") % {"org": organization})


def kind_rule(kind: str) -> MeetingKindRule:
    return MeetingKindRule.objects.filter(kind=kind).first() or MeetingKindRule(kind=kind)


def full_snapshot(meeting: Meeting) -> dict:
    data = audit.snapshot(meeting)
    data["topics"] = [
        {"order": t.order, "title": t.title, "is_first_topic": t.is_first_topic, "material": t.material}
        for t in meeting.topics.all()
    ]
    data["attendance"] = [
        {"member": a.member_id, "status": a.status, "leave_reason": a.leave_reason, "grade": a.grade}
        for a in meeting.attendances.all()
    ]
    return data


def is_locked(meeting: Meeting, *, now=None) -> bool:
    if meeting.status != MeetingStatus.SUBMITTED or meeting.submitted_at is None:
        return False
    now = now or timezone.now()
    return now >= meeting.submitted_at + datetime.timedelta(days=MeetingSettings.current().lock_days)


def _clean_times(start, end):
    if start is None or end is None:
        raise ValidationError({"start": _("Enter when the meeting starts and ends.")})
    if end <= start:
        raise ValidationError({"end": _("The meeting must end after it starts.")})


def committee_member_ids(organization: Organization) -> set[int]:
    """The members holding a current seat on the organisation's committee (班子)."""
    return set(
        CommitteeSeat.objects.filter(term__organization=organization, end__isnull=True).values_list(
            "member_id", flat=True
        )
    )


def expected_attendees(organization: Organization, kind: str | None = None, committee_ids=None):
    """Who is expected: the committee (班子) for a committee meeting when one is recorded, the group's
    members for a meeting of a party group, else every party member of the organisation."""
    members = Member.objects.party_members().order_by("name", "id")
    if organization.kind == "group":
        return members.filter(Q(organization=organization) | Q(party_group=organization))
    members = members.filter(organization=organization)
    if kind == MeetingKind.COMMITTEE:
        ids = committee_member_ids(organization) if committee_ids is None else set(committee_ids)
        if ids:
            return members.filter(pk__in=ids)
    return members


def _set_topics(meeting: Meeting, topics) -> None:
    meeting.topics.all().delete()
    rows = []
    for i, t in enumerate(topics or [], start=1):
        title = (t.get("title") or "").strip()
        if not title:
            continue
        rows.append(
            Topic(
                meeting=meeting,
                order=i,
                title=title[:300],
                is_first_topic=bool(t.get("is_first_topic")),
                material=(t.get("material") or "").strip()[:300],
            )
        )
    Topic.objects.bulk_create(rows)
    meeting.has_first_topic = any(r.is_first_topic and r.material for r in rows)


@transaction.atomic
def plan_meeting(
    *,
    actor,
    organization: Organization,
    kind: str,
    title: str,
    start,
    end,
    place: str = "",
    host: Member | None = None,
    recorder: Member | None = None,
    topics=None,
    attendees=None,
    committee_ids=(),
    send_notice: bool = False,
) -> Meeting:
    _require(actor, organization)
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Choose a meeting kind from the list.")})
    _clean_times(start, end)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    meeting = Meeting.objects.create(
        organization=organization,
        kind=kind,
        title=title.strip()[:200],
        start=start,
        end=end,
        place=place,
        host=host,
        recorder=recorder,
        status=MeetingStatus.PLANNED,
        signin_code="".join(secrets.choice(SIGNIN_ALPHABET) for _i in range(6)),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    committee_ids = set(committee_ids) | committee_member_ids(organization)
    people = list(attendees) if attendees is not None else list(expected_attendees(organization, kind, committee_ids))
    # Everyone expected is marked present: the secretary taps only the exceptions.
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, member=m, is_committee=m.pk in committee_ids, status=AttendanceStatus.PRESENT)
            for m in people
        ]
    )
    _set_topics(meeting, topics)
    meeting.save(update_fields=["has_first_topic"])
    audit.record(actor, "meeting.plan", meeting, after=full_snapshot(meeting))
    if send_notice:
        recipients = [m.user_id for m in people if m.user_id]
        url = reverse("meetings:meeting_detail", args=[meeting.pk])
        title_text = _("Meeting notice: %(title)s, %(when)s, %(place)s") % {
            "title": meeting.title,
            "when": timezone.localtime(meeting.start).strftime("%Y-%m-%d %H:%M"),
            "place": meeting.place or "—",
        }
        transaction.on_commit(
            lambda: events.notify.send(
                sender=Meeting,
                kind="meetings.notice",
                obj=meeting,
                recipients=recipients,
                title=title_text,
                url=url,
                urgent=False,
                organization_id=organization.pk,
            )
        )
    return meeting


def _check_editable(meeting: Meeting):
    if meeting.status == MeetingStatus.SUBMITTED:
        raise ValidationError(_("This meeting is submitted; corrections are made as a new version with a reason."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting is cancelled and can no longer be edited."))


def _apply(meeting: Meeting, *, fields: dict, attendance=None, topics=None) -> None:
    for name, value in fields.items():
        if name in MEETING_FIELDS:
            setattr(meeting, name, value)
    if "start" in fields or "end" in fields:
        _clean_times(meeting.start, meeting.end)
    if attendance is not None:
        rows = {
            a.member_id: a
            for a in meeting.attendances.select_related("member").only(
                "id",
                "meeting_id",
                "member_id",
                "status",
                "leave_reason",
                "is_committee",
                "signed_in_at",
                "grade",
                "member__name",
            )
        }
        changed, removed = [], []
        for member_id, item in attendance.items():
            row = rows.get(member_id)
            if row is None:
                continue
            if item.get("remove"):  # not expected at this meeting (e.g. not on the committee)
                removed.append(row.pk)
                continue
            status = item.get("status", row.status)
            if status not in AttendanceStatus.values:
                raise ValidationError({"attendance": _("Choose present, on leave or absent for every attendee.")})
            name = row.member.name
            if row.signed_in_at and status != AttendanceStatus.PRESENT:
                raise ValidationError(
                    {"attendance": _("%(name)s signed in to this meeting and stays present.") % {"name": name}}
                )
            reason = (item.get("leave_reason") if "leave_reason" in item else row.leave_reason) or ""
            reason = reason.strip()
            if len(reason) > 200:
                raise ValidationError(
                    {
                        "attendance": _("The reason given for %(name)s is too long (200 characters at most).")
                        % {"name": name}
                    }
                )
            if reason and status == AttendanceStatus.PRESENT:
                # A reason belongs to leave or absence; keeping it silently, or dropping it, would mislead.
                raise ValidationError(
                    {
                        "attendance": _(
                            "%(name)s is marked present but a reason for absence is given: "
                            "clear the reason or mark them on leave or absent."
                        )
                        % {"name": name}
                    }
                )
            row.status = status
            row.leave_reason = reason
            if "is_committee" in item:
                row.is_committee = bool(item["is_committee"])
            if "grade" in item:
                grade = item["grade"] or ""
                if grade and grade not in ReviewGrade.values:
                    raise ValidationError({"grade": _("Choose a grade from the list.")})
                row.grade = grade
            changed.append(row)
        Attendance.objects.bulk_update(changed, ["status", "leave_reason", "is_committee", "grade"])
        Attendance.objects.filter(pk__in=removed).delete()
    if topics is not None:
        _set_topics(meeting, topics)


@transaction.atomic
def save_record(
    *, actor, meeting: Meeting, fields: dict | None = None, attendance=None, topics=None, uploads=()
) -> Meeting:
    """Save what the secretary has so far (autosave); the meeting becomes a draft. ``uploads`` are photos
    or documents sent with the record (one tap on a phone instead of a separate upload)."""
    _require(actor, meeting.organization)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_editable(meeting)
    before = full_snapshot(meeting)
    _apply(meeting, fields=fields or {}, attendance=attendance, topics=topics)
    meeting.status = MeetingStatus.DRAFT
    meeting.save()
    audit.record(actor, "meeting.save", meeting, before=before, after=full_snapshot(meeting))
    for uploaded in uploads:
        _store_attachment(actor, meeting, uploaded)
    return meeting


def warnings(meeting: Meeting) -> list[str]:
    """What does not stop submission but deserves a second look: a host or recorder not present."""
    out = []
    status = {a.member_id: a.status for a in meeting.attendances.all()}
    for person, text in (
        (meeting.host, _("The host %(name)s is not marked present.")),
        (meeting.recorder, _("The recorder %(name)s is not marked present.")),
    ):
        if person is not None and status.get(person.pk, AttendanceStatus.PRESENT) != AttendanceStatus.PRESENT:
            out.append(text % {"name": person.name})
    return out


DEFAULT_MINUTES = {MeetingKind.LECTURE: 90, MeetingKind.THEME_DAY: 120, MeetingKind.ORG_LIFE: 120}
RECENT_HOURS = 3


def suggest_plan(organization: Organization, kind: str, *, now=None, period=None) -> dict:
    """What the plan form proposes: a title from the kind and the month, the time of the last meeting
    of this kind when that hour has just passed today (else now, to the quarter hour), its length, place,
    host and recorder. Two queries."""
    now = timezone.localtime(now or timezone.now())
    last = (
        Meeting.objects.filter(organization=organization, kind=kind)
        .exclude(status=MeetingStatus.CANCELLED)
        .only("start", "end", "place", "host_id", "recorder_id")
        .order_by("-start")
        .first()
    )
    minutes = DEFAULT_MINUTES.get(kind, 60)
    start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    if period is not None and not (period.start <= now.date() <= period.end):
        # A meeting of another period (a compliance link): its last day when past, its first when ahead.
        day = period.end if period.end < now.date() else period.start
        start = start.replace(year=day.year, month=day.month, day=day.day, hour=9, minute=0)
        now = start
    out = {"place": "", "host": None, "recorder": None}
    if last is not None:
        minutes = max(15, int((last.end - last.start).total_seconds() // 60))
        at = timezone.localtime(last.start)
        today_at = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if today_at <= now <= today_at + datetime.timedelta(hours=RECENT_HOURS):
            start = today_at
        out.update(place=last.place, host=last.host_id, recorder=last.recorder_id)
    try:
        label = MeetingKind(kind).label
    except ValueError:
        label = ""
    out["title"] = _("%(kind)s of month %(month)s") % {"month": now.month, "kind": SHORT_KIND.get(kind, label)}
    out["start"] = start
    out["end"] = start + datetime.timedelta(minutes=minutes)
    return out


def problems(meeting: Meeting) -> list[str]:
    """Everything that stops submission, each a sentence saying what to do."""
    out = []
    rule = kind_rule(meeting.kind)
    if not meeting.place.strip():
        out.append(_("Enter where the meeting was held."))
    if not meeting.minutes.strip():
        out.append(_("Write the minutes."))
    rows = list(meeting.attendances.select_related("member"))
    if not rows:
        out.append(_("Add the attendees."))
    topics = list(meeting.topics.all())
    if not topics:
        out.append(_("Add at least one agenda topic."))
    if rule.requires_first_topic:
        first = [t for t in topics if t.is_first_topic]
        if not first:
            out.append(
                _("A %(kind)s must open with the first topic (第一议题): add it and flag it as the first topic.")
                % {"kind": MeetingKind(meeting.kind).label}
            )
        elif not all(t.material.strip() for t in first):
            out.append(_("Name the material studied for the first topic."))
    for row in rows:
        if row.status == AttendanceStatus.LEAVE and not row.leave_reason:
            out.append(_("Give the reason for leave of %(name)s.") % {"name": row.member.name})
    if rule.quorum == Quorum.MEMBERS:
        total = len(rows)
        present = sum(1 for r in rows if r.status == AttendanceStatus.PRESENT)
        if total and present * 2 <= total:
            out.append(
                _(
                    "No quorum: %(present)s of %(total)s members present; "
                    "more than half (at least %(need)s) must attend."
                )
                % {"present": present, "total": total, "need": total // 2 + 1}
            )
    elif rule.quorum == Quorum.COMMITTEE:
        committee = [r for r in rows if r.is_committee]
        present = sum(1 for r in committee if r.status == AttendanceStatus.PRESENT)
        if not committee:
            out.append(_("Mark which attendees are members of the committee."))
        elif present * 2 <= len(committee):
            out.append(
                _(
                    "No quorum: %(present)s of %(total)s committee members present; "
                    "more than half (at least %(need)s) must attend."
                )
                % {"present": present, "total": len(committee), "need": len(committee) // 2 + 1}
            )
    if meeting.kind == MeetingKind.ORG_LIFE:
        if not meeting.problems.strip():
            out.append(_("An organisational life meeting needs its problem list."))
        if not meeting.rectifications.strip():
            out.append(_("An organisational life meeting needs its rectification list."))
    if meeting.kind == MeetingKind.DEMOCRATIC_REVIEW:
        out.extend(review_problems(meeting, rows))
    return out


def review_problems(meeting: Meeting, rows) -> list[str]:
    out = []
    graded = [r for r in rows if r.member.category == MemberCategory.FULL]
    for r in rows:
        if r.member.category != MemberCategory.FULL and r.grade:
            out.append(_("%(name)s is a probationary member and is not graded.") % {"name": r.member.name})
    missing = [r.member.name for r in graded if not r.grade]
    if missing:
        out.append(_("Grade every full member: %(names)s.") % {"names": "、".join(missing)})
    excellent = sum(1 for r in graded if r.grade == ReviewGrade.EXCELLENT)
    conf = MeetingSettings.current()
    if graded and excellent * conf.excellent_max_denominator > conf.excellent_max_numerator * len(graded):
        out.append(
            _("Too many excellent grades: %(n)s of %(total)s; at most %(num)s/%(den)s may be excellent.")
            % {
                "n": excellent,
                "total": len(graded),
                "num": conf.excellent_max_numerator,
                "den": conf.excellent_max_denominator,
            }
        )
    return out


@transaction.atomic
def submit_meeting(*, actor, meeting: Meeting, now=None) -> Meeting:
    _require(actor, meeting.organization)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_editable(meeting)
    now = now or timezone.now()
    if meeting.start > now:
        raise ValidationError(_("The meeting has not started yet; submit it after it is held."))
    missing = problems(meeting)
    if missing:
        raise ValidationError(missing)
    before = full_snapshot(meeting)
    meeting.status = MeetingStatus.SUBMITTED
    meeting.submitted_at = now
    meeting.submitted_by = actor if getattr(actor, "pk", None) else None
    meeting.save()
    audit.record(actor, "meeting.submit", meeting, before=before, after=full_snapshot(meeting))
    return meeting


@transaction.atomic
def cancel_meeting(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    _require(actor, meeting.organization)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.SUBMITTED:
        raise ValidationError(_("A submitted meeting cannot be cancelled."))
    before = full_snapshot(meeting)
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    audit.record(actor, "meeting.cancel", meeting, before=before, after={**full_snapshot(meeting), "reason": reason})
    return meeting


@transaction.atomic
def correct_meeting(
    *, actor, meeting: Meeting, reason: str, fields: dict | None = None, attendance=None, topics=None, now=None
) -> Meeting:
    """Correct a submitted meeting (its record, attendance, topics, place): the state before is kept as a
    version with the reason, the meeting's version number goes up, and the audit log has both states."""
    _require(actor, meeting.organization)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted meeting is corrected; edit the draft instead."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record is corrected.")})
    before = full_snapshot(meeting)
    MeetingVersion.objects.create(
        meeting=meeting,
        number=meeting.version,
        reason=reason[:300],
        data=audit._plain(before),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _apply(meeting, fields=fields or {}, attendance=attendance, topics=topics)
    missing = problems(meeting)
    if missing:
        raise ValidationError(missing)
    meeting.version += 1
    meeting.save()
    audit.record(actor, "meeting.correct", meeting, before=before, after={**full_snapshot(meeting), "reason": reason})
    return meeting


def version_changes(meeting: Meeting) -> list[dict]:
    """The history, newest first: each kept version with what the next state changed (field names)."""
    versions = list(meeting.versions.all())
    states = [audit._plain(full_snapshot(meeting))] + [v.data for v in versions]
    out = []
    for i, v in enumerate(versions):
        newer, older = states[i], v.data
        changed = sorted(
            k for k in set(newer) | set(older) if k not in IGNORED_IN_HISTORY and newer.get(k) != older.get(k)
        )
        out.append({"version": v, "changed": [str(CHANGE_LABELS.get(k, k)) for k in changed]})
    return out


@transaction.atomic
def add_attachment(*, actor, meeting: Meeting, uploaded) -> MeetingAttachment:
    _require(actor, meeting.organization)
    # Lock the meeting first, as the record's autosave does: the two never wait on each other crosswise.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting is cancelled and can no longer be edited."))
    if is_locked(meeting):
        raise ValidationError(_("The record is locked; add files through a correction."))
    return _store_attachment(actor, meeting, uploaded)


def _store_attachment(actor, meeting: Meeting, uploaded) -> MeetingAttachment:
    att = store_upload(MeetingAttachment(meeting=meeting), uploaded, kinds=("image", "document"), user=actor)
    att.save()
    audit.record(actor, "meeting.attach", att, after=audit.snapshot(att), organization=meeting.organization)
    return att


def signin_window(meeting: Meeting):
    early = datetime.timedelta(minutes=MeetingSettings.current().signin_early_minutes)
    return meeting.start - early, meeting.end


@transaction.atomic
def self_sign_in(*, actor, code: str, now=None) -> Meeting:
    """A member signs in with the short code shown by the secretary, only during the meeting."""
    now = now or timezone.now()
    code = (code or "").strip().upper()
    member = Member.objects.filter(user=actor).first() if getattr(actor, "pk", None) else None
    if member is None:
        raise ValidationError(_("Your account is not linked to a member in the register."))
    candidates = Meeting.objects.filter(
        signin_code=code, attendances__member=member, status__in=[MeetingStatus.PLANNED, MeetingStatus.DRAFT]
    )
    meeting = candidates.order_by("-start").first() if code else None
    if meeting is None:
        raise ValidationError(_("No meeting of yours has this code. Check the code shown by the secretary."))
    opens, closes = signin_window(meeting)
    if not (opens <= now <= closes):
        raise ValidationError(_("Sign-in is open only during the meeting."))
    row = Attendance.objects.select_for_update().get(meeting=meeting, member=member)
    before = {"status": row.status, "signed_in_at": row.signed_in_at}
    row.status = AttendanceStatus.PRESENT
    row.leave_reason = ""
    row.signed_in_at = now
    row.save(update_fields=["status", "leave_reason", "signed_in_at"])
    audit.record(
        actor,
        "meeting.sign_in",
        meeting,
        before=before,
        after={"member": member.pk, "status": row.status, "signed_in_at": now},
    )
    return meeting
