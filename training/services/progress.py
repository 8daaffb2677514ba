"""Progress: heartbeats and video positions, the daily credit cap, completing an item and the hours
it earns; which progress a user may see."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organization

from ..models import (
    Assignment,
    DailyStudyTime,
    HoursEntry,
    HoursSource,
    ItemKind,
    ItemProgress,
    StudyItem,
    StudyPolicy,
)
from .common import _now, _own_member


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


def visible_progress_filter(user):
    """Q for assignments a user may see: their own, or in their study.view_progress scope."""
    orgs = Organization.objects.visible_to(user, "study.view_progress")
    return Q(member__user=user) | Q(member__organization__in=orgs.values("pk"))
