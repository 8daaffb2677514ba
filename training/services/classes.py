"""Training classes (sessions, sign-in codes, leave, closing a session) and lectures (党课)."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Member, Organization

from ..metrics import FIGURES
from ..models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    Audience,
    ClassSession,
    Enrollment,
    HoursSource,
    Lecture,
    StudyModule,
    StudyPolicy,
    TrainingClass,
)
from .assignments import audience_members
from .common import _now, _require, member_of
from .progress import _credit


@transaction.atomic
def create_class(
    *, actor, organization: Organization, title: str, roster: list[Member], makeup_module: StudyModule | None = None
) -> TrainingClass:
    _require(actor, "study.manage", organization)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the class a title.")})
    tc = TrainingClass.objects.create(organization=organization, title=title.strip(), makeup_module=makeup_module)
    Enrollment.objects.bulk_create([Enrollment(training_class=tc, member=m) for m in roster], ignore_conflicts=True)
    audit.record(actor, "study.class_created", tc, after={**audit.snapshot(tc), "roster": [m.pk for m in roster]})
    return tc


@transaction.atomic
def create_class_for(
    *,
    actor,
    organization: Organization,
    title: str,
    roster_org: Organization,
    roster_role: str = "",
    makeup_module: StudyModule | None = None,
) -> TrainingClass:
    """A class whose roster is the active members of ``roster_org`` (and below), optionally only those holding
    ``roster_role``: the class page's form and the API call this."""
    _require(actor, "study.manage", roster_org)
    people = audience_members(Audience(organization=roster_org, include_subtree=True, role=roster_role or ""))
    return create_class(
        actor=actor, organization=organization, title=title, roster=list(people), makeup_module=makeup_module
    )


@transaction.atomic
def add_session(*, actor, training_class: TrainingClass, title: str, starts_at, ends_at, hours=None) -> ClassSession:
    _require(actor, "study.manage", training_class.organization)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    session = ClassSession.objects.create(
        training_class=training_class,
        title=title.strip() or training_class.title,
        starts_at=starts_at,
        ends_at=ends_at,
        hours=hours if hours is not None else StudyPolicy.current().class_session_hours,
        sign_in_code=f"{secrets.randbelow(10**6):06d}",
    )
    audit.record(actor, "study.session_added", session, organization=training_class.organization,
                 after=audit.snapshot(session))  # fmt: skip
    return session


def _enrolled_member(actor, session: ClassSession) -> Member:
    member = member_of(actor)
    if (
        member is None
        or not Enrollment.objects.filter(training_class_id=session.training_class_id, member=member).exists()
    ):
        raise PermissionDenied(_("You are not on this class's roster."))
    return member


@transaction.atomic
def sign_in(*, actor, session: ClassSession, code: str, now=None) -> Attendance:
    now = _now(now)
    member = _enrolled_member(actor, session)
    if not (session.starts_at - datetime.timedelta(minutes=30) <= now <= session.ends_at) or session.closed_at:
        raise ValidationError(_("Sign-in is open only during the session."))
    if (code or "").strip() != session.sign_in_code:
        raise ValidationError({"code": _("The sign-in code is wrong.")})
    att, created = Attendance.objects.get_or_create(
        session=session, member=member, defaults={"status": AttendanceStatus.PRESENT, "at": now}
    )
    if not created and att.status != AttendanceStatus.PRESENT:
        before = audit.snapshot(att)
        att.status, att.at = AttendanceStatus.PRESENT, now
        att.save()
    else:
        before = None
    _credit(
        member_id=member.pk,
        hours=session.hours,
        year=timezone.localtime(session.starts_at).year,
        source=HoursSource.CLASS,
        rule=f"class attendance: {session.training_class.title} / {session.title}"[:200],
        key=f"session:{session.pk}:{member.pk}",
        now=now,
        session=session,
    )
    audit.record(actor, "study.signed_in", att, organization=member.organization, before=before,
                 after=audit.snapshot(att))  # fmt: skip
    return att


def sign_in_with_code(*, actor, code: str, now=None) -> Attendance:
    """Sign in to the caller's session that is open now with this code (the code shown in the classroom)."""
    now = _now(now)
    code = (code or "").strip()
    member = member_of(actor)
    session = (
        ClassSession.objects.filter(
            training_class__enrollments__member=member,
            sign_in_code=code,
            starts_at__lte=now + datetime.timedelta(minutes=30),
            ends_at__gte=now,
        )
        .select_related("training_class")
        .first()
        if member is not None and code
        else None
    )
    if session is None:
        raise ValidationError({"code": _("No session of yours is open with this code.")})
    return sign_in(actor=actor, session=session, code=code, now=now)


@transaction.atomic
def request_leave(*, actor, session: ClassSession, reason: str, now=None) -> Attendance:
    now = _now(now)
    member = _enrolled_member(actor, session)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for leave.")})
    if session.closed_at or now > session.ends_at:
        raise ValidationError(_("The session is over; leave can no longer be requested."))
    att, created = Attendance.objects.get_or_create(
        session=session, member=member, defaults={"status": AttendanceStatus.LEAVE, "reason": reason.strip(), "at": now}
    )
    if not created:
        raise ValidationError(_("You have already signed in or asked for leave."))
    audit.record(actor, "study.leave_requested", att, organization=member.organization, after=audit.snapshot(att))
    return att


@transaction.atomic
def close_session(*, actor, session: ClassSession, now=None) -> int:
    """Mark the roster's no-shows absent and give absentees (and those on leave) a make-up assignment."""
    now = _now(now)
    session = ClassSession.objects.select_for_update().select_related("training_class").get(pk=session.pk)
    tc = session.training_class
    _require(actor, "study.manage", tc.organization)
    if session.closed_at:
        raise ValidationError(_("This session is already closed."))
    if now < session.ends_at:
        raise ValidationError(_("The session has not ended yet."))
    roster = set(Enrollment.objects.filter(training_class=tc).values_list("member_id", flat=True))
    recorded = dict(Attendance.objects.filter(session=session).values_list("member_id", "status"))
    absent = sorted(roster - set(recorded))
    Attendance.objects.bulk_create(
        [Attendance(session=session, member_id=m, status=AttendanceStatus.ABSENT, at=now) for m in absent]
    )
    makeup = 0
    if tc.makeup_module_id:
        policy = StudyPolicy.current()
        missed = absent + [m for m, s in recorded.items() if s == AttendanceStatus.LEAVE]
        due = timezone.localtime(now).date() + datetime.timedelta(days=policy.makeup_due_days)
        have = set(
            Assignment.objects.filter(module_id=tc.makeup_module_id, member_id__in=missed).values_list(
                "member_id", flat=True
            )
        )
        new = [m for m in missed if m not in have]
        Assignment.objects.bulk_create(
            [
                Assignment(module_id=tc.makeup_module_id, member_id=m, assigned_at=now, due_date=due, is_makeup=True)
                for m in new
            ],
            ignore_conflicts=True,
        )
        makeup = len(new)
        FIGURES.changed()  # bulk_create sends no post_save
    session.closed_at = now
    session.save(update_fields=["closed_at"])
    audit.record(actor, "study.session_closed", session, organization=tc.organization,
                 after={"absent": absent, "makeup_assigned": makeup})  # fmt: skip
    return makeup


@transaction.atomic
def record_lecture(
    *, actor, organization: Organization, title: str, speaker: str, held_on: datetime.date, audience_count: int
) -> Lecture:
    _require(actor, "study.manage", organization)
    if audience_count is None or int(audience_count) < 0:
        raise ValidationError({"audience_count": _("The audience count cannot be negative.")})
    lecture = Lecture(
        organization=organization, title=(title or "").strip(), speaker=(speaker or "").strip(), held_on=held_on,
        audience_count=int(audience_count),
    )  # fmt: skip
    lecture.full_clean()
    lecture.save()
    audit.record(actor, "study.lecture_recorded", lecture, after=audit.snapshot(lecture))
    return lecture
