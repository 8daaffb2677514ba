"""Every state change of study and training.

Completion and hours are decided here, never trusted from the browser: the
heartbeat service credits only real elapsed time between beats, capped by the
heartbeat interval, cut off when idle or hidden, and capped per day. Hours go to
the append-only ledger with the rule that earned them.
"""

from __future__ import annotations

import datetime
import random
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Member, Organization
from branches.models.members import ACTIVE_STATUSES
from branches.roles import Role

from .models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    Audience,
    Choice,
    ClaimEvidence,
    ClaimStatus,
    ClassSession,
    DailyStudyTime,
    Enrollment,
    HoursClaim,
    HoursEntry,
    HoursSource,
    ItemKind,
    ItemProgress,
    Lecture,
    Question,
    QuestionKind,
    QuizAttempt,
    StudyItem,
    StudyItemFile,
    StudyModule,
    StudyPolicy,
    TrainingClass,
)
from .sanitize import clean_html

LEADER_ROLES = (Role.SECRETARY, Role.BRANCH_COMMITTEE, Role.COMMITTEE_STAFF)


def _now(now):
    return now or timezone.now()


def _is_system(actor) -> bool:
    return actor is audit.SYSTEM or getattr(actor, "is_superuser", False)


def _require(actor, permission: str, organization: Organization) -> None:
    if _is_system(actor):
        return
    if not Organization.objects.visible_to(actor, permission).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this for %(org)s.") % {"org": organization})


def _own_member(actor, member: Member) -> None:
    if _is_system(actor):
        return
    if member.user_id is None or member.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You can only study under your own account."))


def member_of(user) -> Member | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return Member.objects.filter(user=user).select_related("organization").first()


# --- Modules, items, questions ------------------------------------------------------------


@transaction.atomic
def create_module(*, actor, organization: Organization, title: str, year: int, description: str = "") -> StudyModule:
    _require(actor, "study.manage", organization)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the module a title.")})
    module = StudyModule.objects.create(
        organization=organization,
        title=title,
        description=description.strip(),
        year=year,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "study.module_created", module, after=audit.snapshot(module))
    return module


ITEM_FIELDS = (
    "title",
    "body",
    "url",
    "credit_hours",
    "min_minutes",
    "min_watch_percent",
    "duration_seconds",
    "pass_percent",
    "question_count",
    "attempt_limit",
    "time_limit_minutes",
    "order",
)


@transaction.atomic
def add_item(*, actor, module: StudyModule, kind: str, title: str, **fields) -> StudyItem:
    _require(actor, "study.manage", module.organization)
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Choose what kind of item this is.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the item a title.")})
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "body" in fields:
        fields["body"] = clean_html(fields["body"])
    if kind == ItemKind.LINK and not fields.get("url"):
        raise ValidationError({"url": _("A link item needs the address to open.")})
    if "order" not in fields:
        fields["order"] = module.items.count() + 1
    for name in ("min_watch_percent", "pass_percent"):
        if int(fields.get(name, 0) or 0) > 100:
            raise ValidationError({name: _("A percentage cannot be more than 100.")})
    if Decimal(str(fields.get("credit_hours", 1))) < 0:
        raise ValidationError({"credit_hours": _("Study hours cannot be negative.")})
    item = StudyItem(module=module, kind=kind, title=title.strip(), **fields)
    item.full_clean()
    item.save()
    audit.record(actor, "study.item_added", item, after=audit.snapshot(item))
    return item


@transaction.atomic
def add_item_with_file(*, actor, module: StudyModule, kind: str, title: str, upload=None, **fields) -> StudyItem:
    """Add an item and, for documents and videos, its file (PDF or MP4), in one transaction."""
    if kind in (ItemKind.DOCUMENT, ItemKind.VIDEO) and upload is None:
        raise ValidationError({"file": _("A document or video item needs its file.")})
    item = add_item(actor=actor, module=module, kind=kind, title=title, **fields)
    if upload is not None:
        from branches.uploads import store_upload

        kinds = ("video",) if kind == ItemKind.VIDEO else ("document",)
        att = store_upload(StudyItemFile(item=item), upload, kinds=kinds, user=actor)
        att.save()
        audit.record(actor, "study.item_file_added", item, after={"file": att.original_name, "sha256": att.sha256})
    return item


@transaction.atomic
def add_question(
    *, actor, item: StudyItem, kind: str, text: str, choices: list[tuple[str, bool]], explanation: str = ""
) -> Question:
    _require(actor, "study.manage", item.module.organization)
    if item.kind != ItemKind.QUIZ:
        raise ValidationError(_("Questions can only be added to a quiz."))
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Choose the question type.")})
    if not (text or "").strip() or len(choices) < 2:
        raise ValidationError(_("A question needs its text and at least two choices."))
    correct = sum(1 for _c, ok in choices if ok)
    if correct == 0:
        raise ValidationError(_("Mark at least one choice as correct."))
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and correct != 1:
        raise ValidationError(_("A single-choice or true/false question has exactly one correct choice."))
    question = Question.objects.create(item=item, kind=kind, text=text.strip(), explanation=explanation.strip())
    Choice.objects.bulk_create(Choice(question=question, text=t, is_correct=ok) for t, ok in choices)
    audit.record(
        actor,
        "study.question_added",
        question,
        organization=item.module.organization,
        after={"text": question.text, "kind": kind, "choices": [[t, ok] for t, ok in choices]},
    )
    return question


# --- Audiences and assignments ------------------------------------------------------------


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


# --- Progress: heartbeats, videos, completion ---------------------------------------------


def _progress_for(assignment: Assignment, item: StudyItem) -> ItemProgress:
    if item.module_id != assignment.module_id:
        raise ValidationError(_("This item is not part of the assigned module."))
    ItemProgress.objects.get_or_create(assignment=assignment, item=item)
    return ItemProgress.objects.select_for_update().get(assignment=assignment, item=item)


def _credit_daily(member_id: int, day: datetime.date, seconds: int, policy: StudyPolicy) -> int:
    DailyStudyTime.objects.get_or_create(member_id=member_id, day=day)
    row = DailyStudyTime.objects.select_for_update().get(member_id=member_id, day=day)
    room = max(0, policy.daily_cap_minutes * 60 - row.seconds)
    granted = min(seconds, room)
    if granted:
        row.seconds += granted
        row.save(update_fields=["seconds"])
    return granted


@transaction.atomic
def heartbeat(
    *,
    actor,
    assignment: Assignment,
    item: StudyItem,
    visible: bool,
    active: bool,
    position: int | None = None,
    now=None,
) -> ItemProgress:
    """Credit the real time since the last beat, if the page was visible and the user active.

    Never more than the heartbeat interval plus slack per beat, nothing after an idle gap,
    nothing beyond the daily cap; fractions of a second carry over to the next beat, so a
    burst of beats credits at most the real elapsed time.
    """
    now = _now(now)
    _own_member(actor, assignment.member)
    policy = StudyPolicy.current()
    progress = _progress_for(assignment, item)
    credited = 0
    last = progress.last_beat_at
    if last is None or not (visible and active):
        progress.last_beat_at = now
    else:
        elapsed = (now - last).total_seconds()
        per_beat = policy.heartbeat_interval_seconds + policy.heartbeat_slack_seconds
        if elapsed < 0 or elapsed > policy.idle_cutoff_seconds:
            progress.last_beat_at = now
        elif elapsed > per_beat:
            credited = per_beat
            progress.last_beat_at = now
        else:
            credited = int(elapsed)
            progress.last_beat_at = last + datetime.timedelta(seconds=credited)
    if credited:
        credited = _credit_daily(assignment.member_id, timezone.localtime(now).date(), credited, policy)
        progress.seconds += credited
    if item.kind == ItemKind.VIDEO and position is not None:
        position = max(0, int(position))
        limit = progress.furthest_position + credited + policy.video_skip_slack_seconds
        if position > limit:
            progress.save()
            raise ValidationError(_("You cannot skip ahead of the furthest point you have watched."))
        progress.position = position
        progress.furthest_position = max(progress.furthest_position, position)
    progress.save()
    if progress.completed_at is None and _rule_met(item, progress):
        _complete_item(actor, assignment, item, progress, now)
    return progress


def _rule_met(item: StudyItem, progress: ItemProgress) -> bool:
    if item.kind == ItemKind.QUIZ:
        return False
    if item.kind == ItemKind.VIDEO:
        if not item.duration_seconds:
            return False
        return progress.furthest_position * 100 >= item.duration_seconds * item.min_watch_percent
    return progress.seconds >= item.min_minutes * 60


def _rule_text(item: StudyItem) -> str:
    if item.kind == ItemKind.QUIZ:
        return f"quiz pass >= {item.pass_percent}%"
    if item.kind == ItemKind.VIDEO:
        return f"video watched >= {item.min_watch_percent}%"
    return f"studied >= {item.min_minutes} min"


def _credit(*, member_id, hours, year, source, rule, key, now, **refs) -> HoursEntry | None:
    """Append one ledger row, once per key (a rerun or a double click credits nothing twice)."""
    if HoursEntry.objects.filter(credit_key=key).exists():
        return None
    try:
        with transaction.atomic():
            return HoursEntry.objects.create(
                member_id=member_id, hours=hours, year=year, source=source, rule=rule, credit_key=key,
                created_at=now, **refs,
            )  # fmt: skip
    except IntegrityError:
        return None


def _complete_item(actor, assignment, item, progress, now) -> None:
    before = audit.snapshot(progress)
    progress.completed_at = now
    progress.save(update_fields=["completed_at"])
    entry = _credit(
        member_id=assignment.member_id,
        hours=item.credit_hours,
        year=timezone.localtime(now).year,
        source=HoursSource.ITEM,
        rule=_rule_text(item),
        key=f"item:{assignment.member_id}:{item.pk}",
        now=now,
        item=item,
    )
    audit.record(
        actor,
        "study.item_completed",
        assignment,
        organization=assignment.member.organization,
        before=before,
        after={**audit.snapshot(progress), "hours": entry.hours if entry else 0},
    )
    total = StudyItem.objects.filter(module_id=assignment.module_id).count()
    done = assignment.progress.filter(completed_at__isnull=False).count()
    if done >= total and assignment.completed_at is None:
        before = audit.snapshot(assignment)
        assignment.completed_at = now
        assignment.save(update_fields=["completed_at"])
        audit.record(actor, "study.module_completed", assignment, before=before, after=audit.snapshot(assignment))


# --- Quizzes --------------------------------------------------------------------------------


@transaction.atomic
def start_attempt(*, actor, assignment: Assignment, item: StudyItem, now=None, rng=None) -> QuizAttempt:
    now = _now(now)
    _own_member(actor, assignment.member)
    if item.kind != ItemKind.QUIZ or item.module_id != assignment.module_id:
        raise ValidationError(_("This item is not a quiz of the assigned module."))
    Assignment.objects.select_for_update().get(pk=assignment.pk)
    attempts = QuizAttempt.objects.filter(assignment=assignment, item=item)
    if attempts.filter(passed=True).exists():
        raise ValidationError(_("You have already passed this quiz."))
    open_attempt = attempts.filter(submitted_at__isnull=True, deadline__gt=now).first()
    if open_attempt:
        return open_attempt
    if attempts.count() >= item.attempt_limit:
        raise ValidationError(_("You have used all %(n)s attempts for this quiz.") % {"n": item.attempt_limit})
    ids = list(Question.objects.filter(item=item).values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_("This quiz has no questions yet."))
    rng = rng or random.SystemRandom()
    drawn = rng.sample(ids, min(item.question_count, len(ids)))
    attempt = QuizAttempt.objects.create(
        assignment=assignment,
        item=item,
        question_ids=drawn,
        started_at=now,
        deadline=now + datetime.timedelta(minutes=item.time_limit_minutes),
    )
    audit.record(actor, "study.quiz_started", assignment, after={"attempt": attempt.pk, "questions": drawn})
    return attempt


QUIZ_GRACE_SECONDS = 15  # network delay between pressing submit and the server receiving it


@transaction.atomic
def submit_attempt(*, actor, attempt: QuizAttempt, answers: dict, now=None) -> dict:
    """Score an attempt. ``answers`` maps question id -> list of choice ids. Returns the result."""
    now = _now(now)
    attempt = QuizAttempt.objects.select_for_update().select_related("assignment__member", "item").get(pk=attempt.pk)
    assignment = attempt.assignment
    _own_member(actor, assignment.member)
    if attempt.submitted_at is not None:
        raise ValidationError(_("This attempt has already been submitted."))
    late = now > attempt.deadline + datetime.timedelta(seconds=QUIZ_GRACE_SECONDS)
    questions = list(Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices"))
    by_id = {q.pk: q for q in questions}
    results = []
    correct_count = 0
    clean = {}
    for qid in attempt.question_ids:
        q = by_id.get(qid)
        if q is None:
            continue
        raw = answers.get(str(qid), answers.get(qid, [])) or []
        try:
            chosen = sorted({int(c) for c in (raw if isinstance(raw, list | tuple) else [raw])})
        except (TypeError, ValueError):
            chosen = []
        right = sorted(c.pk for c in q.choices.all() if c.is_correct)
        ok = (not late) and chosen == right
        correct_count += ok
        clean[str(qid)] = chosen
        results.append({"question": q, "chosen": chosen, "correct": right, "ok": ok})
    total = len(results) or 1
    attempt.answers = clean
    attempt.submitted_at = now
    attempt.score_percent = round(100 * correct_count / total)
    attempt.passed = (not late) and attempt.score_percent >= attempt.item.pass_percent
    attempt.save()
    audit.record(
        actor,
        "study.quiz_submitted",
        assignment,
        after={"attempt": attempt.pk, "score": attempt.score_percent, "passed": attempt.passed, "late": late},
    )
    if attempt.passed:
        progress = _progress_for(assignment, attempt.item)
        if progress.completed_at is None:
            _complete_item(actor, assignment, attempt.item, progress, now)
    return {"attempt": attempt, "results": results, "late": late}


# --- Ledger, targets, claims ------------------------------------------------------------------


def leaders_q(today: datetime.date | None = None) -> Q:
    """Members who lead: a current seat in the 班子 (书记, 组织委员 …: ``CommitteeSeat``) or a leader role grant.

    The seat is what the register records of the member's actual position; the grant covers staff and
    secretaries whose seat is not (yet) recorded. One ``Member`` filter, usable in any query.
    """
    today = today or timezone.localdate()
    seat = Q(seats__start__lte=today) & (Q(seats__end__isnull=True) | Q(seats__end__gte=today))
    grant = Q(user__isnull=False, user__grants__role__in=LEADER_ROLES)
    return seat | grant


def is_leader(member: Member, today: datetime.date | None = None) -> bool:
    return Member.objects.filter(pk=member.pk).filter(leaders_q(today)).exists()


def target_hours(member: Member, policy: StudyPolicy | None = None, today: datetime.date | None = None) -> Decimal:
    """The member's annual study-hours target: the leaders' (56 h) for a 班子 seat or a leader role, else 32 h."""
    policy = policy or StudyPolicy.current()
    return policy.leader_annual_target_hours if is_leader(member, today) else policy.annual_target_hours


def hours_in_year(member: Member, year: int) -> Decimal:
    total = HoursEntry.objects.filter(member=member, year=year).aggregate(s=Sum("hours"))["s"]
    return total or Decimal("0")


@transaction.atomic
def reverse_entry(*, actor, entry: HoursEntry, reason: str, now=None) -> HoursEntry:
    now = _now(now)
    _require(actor, "study.manage", entry.member.organization)
    if entry.hours <= 0 or HoursEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry cannot be reversed (already reversed or itself a reversal)."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the hours are reversed.")})
    rev = HoursEntry.objects.create(
        member_id=entry.member_id,
        hours=-entry.hours,
        year=entry.year,
        source=HoursSource.REVERSAL,
        reverses=entry,
        rule=f"reversal: {reason.strip()}"[:200],
        credit_key=f"reversal:{entry.pk}",
        created_at=now,
    )
    audit.record(actor, "study.hours_reversed", rev, before=audit.snapshot(entry), after=audit.snapshot(rev))
    return rev


@transaction.atomic
def submit_claim(*, actor, title: str, hours, year: int, evidence=None) -> HoursClaim:
    member = member_of(actor)
    if member is None:
        raise PermissionDenied(_("Only a member in the register can claim study hours."))
    try:
        hours = Decimal(str(hours))
    except ArithmeticError:
        raise ValidationError({"hours": _("Enter the hours as a number.")}) from None
    if hours <= 0 or hours > 100:
        raise ValidationError({"hours": _("Claim between 0.1 and 100 hours.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Say what you studied.")})
    if evidence is None:
        raise ValidationError({"evidence": _("Attach a certificate or other evidence.")})
    claim = HoursClaim.objects.create(member=member, title=title.strip(), hours=hours, year=year)
    from branches.uploads import store_upload

    att = store_upload(ClaimEvidence(claim=claim), evidence, kinds=("image", "document"), user=actor)
    att.save()
    audit.record(actor, "study.claim_submitted", claim, after=audit.snapshot(claim))
    return claim


@transaction.atomic
def review_claim(*, actor, claim: HoursClaim, approve: bool, note: str = "", now=None) -> HoursClaim:
    now = _now(now)
    claim = HoursClaim.objects.select_for_update().select_related("member__organization").get(pk=claim.pk)
    _require(actor, "study.review", claim.member.organization)
    if claim.member.user_id and claim.member.user_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot review your own claim."))
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError(_("This claim has already been reviewed."))
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("Say why the claim is rejected.")})
    before = audit.snapshot(claim)
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    claim.reviewed_by = actor if getattr(actor, "pk", None) else None
    claim.reviewed_at = now
    claim.review_note = (note or "").strip()
    claim.save()
    if approve:
        _credit(
            member_id=claim.member_id,
            hours=claim.hours,
            year=claim.year,
            source=HoursSource.CLAIM,
            rule=f"claim approved: {claim.title}"[:200],
            key=f"claim:{claim.pk}",
            now=now,
            claim=claim,
        )
    audit.record(actor, "study.claim_reviewed", claim, before=before, after=audit.snapshot(claim))
    return claim


# --- Classes --------------------------------------------------------------------------------


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
    session.closed_at = now
    session.save(update_fields=["closed_at"])
    audit.record(actor, "study.session_closed", session, organization=tc.organization,
                 after={"absent": absent, "makeup_assigned": makeup})  # fmt: skip
    return makeup


# --- Lectures -------------------------------------------------------------------------------


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


def visible_progress_filter(user):
    """Q for assignments a user may see: their own, or in their study.view_progress scope."""
    orgs = Organization.objects.visible_to(user, "study.view_progress")
    return Q(member__user=user) | Q(member__organization__in=orgs.values("pk"))
