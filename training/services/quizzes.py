"""Quizzes: starting an attempt (questions drawn and frozen) and submitting it within its time."""

from __future__ import annotations

import datetime
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit

from ..models import (
    Assignment,
    ItemKind,
    Question,
    QuizAttempt,
    StudyItem,
)
from .common import _now, _own_member
from .progress import _complete_item, _progress_for


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
