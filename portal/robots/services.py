"""Group robots: bind one per organisation, and post one aggregate per robot per day.

Group messages carry only counts per organisation and an absolute link, never a person's name or
anything about one person: a group chat is not the place for personal reminders (those go to the
inbox, e-mail and the person's own messenger). Links are absolute, so nothing is posted until
``NOTIFY_BASE_URL`` is set (the robots page says so).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.audit import snapshot
from branches.models import Organization

from .. import outbound
from ..notifications.channels import absolute
from ..notifications.models import DeliveryState, Reminder, base_step
from ..notifications.summaries import LAGGARDS, WEEKLY
from . import messages as robot_messages
from .models import GroupRobot, RobotPlatform, RobotPost

AUDITED = ["organization", "name", "platform", "keyword", "enabled"]
PERMISSION = "robots.manage"


def base_url_ready() -> bool:
    return bool(settings.NOTIFY_BASE_URL)


def _audit_state(robot: GroupRobot) -> dict:
    # The webhook URL and the secret carry credentials: the audit log records only that they are set.
    data = snapshot(robot, AUDITED) or {}
    data["has_secret"] = bool(robot.secret)
    return data


def _check(robot: GroupRobot) -> None:
    if not robot.name.strip():
        raise ValidationError(_("Give the group a name."))
    if robot.platform not in RobotPlatform.values:
        raise ValidationError(_("Choose WeCom or DingTalk."))
    try:
        outbound.check_url(robot.webhook_url)
    except outbound.UnsafeURL as exc:
        raise ValidationError(
            _("This robot address cannot be used: %(reason)s") % {"reason": "; ".join(exc.messages)}
        ) from None
    if robot.platform == RobotPlatform.WECOM and (robot.secret or robot.keyword):
        raise ValidationError(_("A WeCom group robot has no signing secret or keyword; leave them empty."))
    if robot.secret and not robot.secret.startswith("SEC"):
        raise ValidationError(
            _("A DingTalk signing secret starts with SEC; copy it from the robot's security settings.")
        )


@transaction.atomic
def bind_robot(*, actor, organization: Organization, data: dict, robot: GroupRobot | None = None) -> GroupRobot:
    """Bind (or change) the group robot of an organisation the actor manages."""
    if not Organization.objects.visible_to(actor, PERMISSION).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You cannot manage the group robot of this organisation."))
    if robot is None and GroupRobot.objects.select_for_update().filter(organization=organization).exists():
        raise ValidationError(_("This organisation already has a group robot; change that one instead."))
    if robot is not None and robot.organization_id != organization.pk:
        raise ValidationError(_("A robot cannot move to another organisation; remove it and bind a new one."))
    before = _audit_state(robot) if robot else None
    robot = robot or GroupRobot(organization=organization)
    for field in ("name", "platform", "webhook_url", "keyword", "enabled"):
        if field in data and data[field] is not None:
            setattr(robot, field, data[field].strip() if isinstance(data[field], str) else data[field])
    if data.get("secret"):  # an empty secret on an edit keeps the stored one
        robot.secret = data["secret"].strip()
    if data.get("clear_secret"):
        robot.secret = ""
    _check(robot)
    robot.save()
    audit.record(
        actor, "robot.bound" if before is None else "robot.changed", robot, before=before, after=_audit_state(robot)
    )
    return robot


@transaction.atomic
def remove_robot(*, actor, robot: GroupRobot) -> None:
    if not GroupRobot.objects.visible_to(actor, "change").filter(pk=robot.pk).exists():
        raise PermissionDenied(_("You cannot manage the group robot of this organisation."))
    before = _audit_state(robot)
    audit.record(actor, "robot.removed", robot, before=before)
    robot.delete()


# --- The daily aggregate ---------------------------------------------------------


def _category(step: str) -> str:
    step = base_step(step)  # a period in front (``2026-H2:overdue``) does not change what the step is
    if step == "overdue":
        return "overdue"
    if step in ("notice", "on_issue"):
        return "notice"
    return "upcoming"


def _counts_line(counts: Counter) -> str:
    return _("%(total)d items: %(upcoming)d due soon, %(overdue)d overdue, %(notice)d notices") % {
        "total": sum(counts.values()),
        "upcoming": counts["upcoming"],
        "overdue": counts["overdue"],
        "notice": counts["notice"],
    }


def aggregate_texts(robots: list[GroupRobot], *, since: datetime.datetime, until: datetime.datetime) -> dict:
    """{robot.pk: text} for robots with something to report; three queries for any number of robots.

    An item reminded to several people counts once. Only organisation names and counts appear.
    """
    rows = set(
        Reminder.objects.filter(created_at__gt=since, created_at__lte=until, organization__isnull=False)
        .exclude(kind__in=[LAGGARDS, WEEKLY])
        .values_list("kind", "object_type", "object_id", "step", "organization__path")
        .distinct()
    )
    by_path: dict[str, Counter] = defaultdict(Counter)
    for _kind, _type, _id, step, path in rows:
        by_path[path][_category(step)] += 1
    names = dict(Organization.objects.filter(path__in=list(by_path)).values_list("path", "name"))
    texts = {}
    for robot in robots:
        root = robot.organization.path
        inside = sorted(p for p in by_path if p.startswith(root))
        if not inside:
            continue
        total = sum((by_path[p] for p in inside), Counter())
        link = absolute(reverse("branches:organization_detail", args=[robot.organization_id]))
        lines = [
            _("%(portal)s: reminders for %(org)s") % {"portal": settings.PORTAL_NAME, "org": robot.organization.name},
            _("In total %(counts)s.") % {"counts": _counts_line(total)},
        ]
        if len(inside) > 1 or inside[0] != root:
            lines += [f"· {names.get(p, '')}: {_counts_line(by_path[p])}" for p in inside]
        lines.append(_("Details in the portal: %(link)s") % {"link": link})
        texts[robot.pk] = "\n".join(lines)
    return texts


def _group_hour_ok(local: datetime.datetime) -> bool:
    from ..notifications.services import default_preferences

    pref = default_preferences()
    return local.hour >= pref.digest_hour and not pref.is_quiet(local.hour)


@transaction.atomic
def build_group_posts(now: datetime.datetime) -> list[int]:
    """Today's aggregate for every enabled robot that has none yet (one per robot per day)."""
    if not base_url_ready():
        return []
    local = timezone.localtime(now)
    if not _group_hour_ok(local):
        return []
    today = local.date()
    robots = list(
        GroupRobot.objects.filter(enabled=True).exclude(posts__day=today).select_related("organization").order_by("pk")
    )
    if not robots:
        return []
    texts = aggregate_texts(robots, since=now - datetime.timedelta(days=1), until=now)
    posts = [
        RobotPost(robot=r, day=today, text=texts[r.pk], next_attempt_at=now, created_at=now)
        for r in robots
        if r.pk in texts
    ]
    RobotPost.objects.bulk_create(posts, ignore_conflicts=True)
    ids = list(RobotPost.objects.filter(day=today, robot__in=[p.robot for p in posts]).values_list("pk", flat=True))
    if ids:
        audit.record(
            audit.SYSTEM,
            "robots.posts_built",
            object_type="portal.robotpost",
            after={"posts": ids, "at": now.isoformat()},
        )
    return ids


def due_posts(now: datetime.datetime) -> list[int]:
    stale = now - datetime.timedelta(seconds=settings.NOTIFY_DELIVERY_LEASE_SECONDS)
    return list(
        RobotPost.objects.filter(
            Q(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            | Q(state=DeliveryState.SENDING, claimed_at__lt=stale)
        )
        .order_by("id")
        .values_list("pk", flat=True)
    )


def deliver_post(post_id: int, *, now: datetime.datetime | None = None, send=None) -> bool:
    """Claim one post, send the parts not yet sent, record the outcome. True if complete."""
    from ..rate_limits import RateLimited, take

    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NOTIFY_DELIVERY_LEASE_SECONDS)
    claimed = (
        RobotPost.objects.filter(pk=post_id)
        .filter(
            Q(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            | Q(state=DeliveryState.SENDING, claimed_at__lt=stale)
        )
        .update(state=DeliveryState.SENDING, claimed_at=now)
    )
    if not claimed:
        return False
    post = RobotPost.objects.select_related("robot").get(pk=post_id)
    robot = post.robot
    parts = robot_messages.split_text(post.text, keyword=robot.keyword)
    error, permanent, sent = "", False, post.parts_sent
    try:
        take("robot", robot.pk, len(parts) - sent, now=now)
        sent = robot_messages.post_parts(url=robot.webhook_url, parts=parts, secret=robot.secret, start=sent, send=send)
    except RateLimited as exc:
        return _postpone(post, until=exc.until)
    except robot_messages.RobotError as exc:
        error, permanent, sent = str(exc), exc.permanent, exc.sent
    return _record_post(post, error=error, permanent=permanent, sent=sent, now=now)


@transaction.atomic
def _postpone(post: RobotPost, *, until: datetime.datetime) -> bool:
    RobotPost.objects.filter(pk=post.pk).update(state=DeliveryState.PENDING, next_attempt_at=until, claimed_at=None)
    return False


@transaction.atomic
def _record_post(post: RobotPost, *, error: str, permanent: bool, sent: int, now: datetime.datetime) -> bool:
    before = snapshot(post, ["state", "attempts", "parts_sent", "last_error"])
    post.attempts += 1
    post.parts_sent = sent
    if not error:
        post.state, post.sent_at, post.last_error = DeliveryState.SENT, now, ""
        action = "robot.posted"
    elif permanent or post.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        post.state, post.last_error = DeliveryState.FAILED, error
        action = "robot.post_failed"
    else:
        delay = settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** (post.attempts - 1)
        post.state, post.last_error = DeliveryState.PENDING, error
        post.next_attempt_at = now + datetime.timedelta(seconds=delay)
        action = "robot.post_retry"
    post.save(update_fields=["state", "attempts", "parts_sent", "sent_at", "last_error", "next_attempt_at"])
    audit.record(
        audit.SYSTEM,
        action,
        post,
        before=before,
        after=snapshot(post, ["state", "attempts", "parts_sent", "last_error"]),
        organization=post.robot.organization,
    )
    return not error


def deliver_posts(post_ids, *, now: datetime.datetime | None = None) -> int:
    return sum(1 for pk in post_ids if deliver_post(pk, now=now))
