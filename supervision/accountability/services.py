"""Every state change of 述职评议: open a round, name raters, file a report, rate, close, publish, and send
the problems named in the review to supervision's rectification loop.

Each service is one transaction with a keyword-only ``actor``; refusals are ``ValidationError`` /
``PermissionDenied`` with translated messages; every change is audited; notices go out after commit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit, events
from branches.audit import snapshot
from branches.models import Organization, OrganizationKind, RoleGrant
from branches.roles import Role

from .. import services as supervision
from ..models import FindingCategory, SupervisionTask, TaskKind, TaskTarget
from . import figures
from .models import (
    Rater,
    Rating,
    RatingDimension,
    RatingGrade,
    RatingScore,
    RecordIndicator,
    Reporter,
    ReviewProblem,
    ReviewRound,
)

# Defaults copied into each new round's rows (local practice; the round's rows are the data, editable).
DEFAULT_DIMENSIONS = [
    ("履行第一责任人职责", "研究部署党建工作，落实管党治党政治责任"),
    ("抓思想政治建设", "第一议题、理论学习中心组学习、意识形态工作"),
    ("抓基层组织建设", "三会一课、支部规范化建设、党员教育管理"),
    ("抓作风建设和党风廉政建设", "落实中央八项规定精神，廉政风险防控"),
    ("推动党建与业务融合", "以党建促业务，群众满意度"),
]
# (name, points per tap, total score from which the grade is earned)
DEFAULT_GRADES = [("好", 100, 90), ("较好", 85, 80), ("一般", 70, 60), ("差", 50, 0)]
# (metric, label, weight, method, deduction per count)
DEFAULT_INDICATORS = [
    ("meetings.compliance_rate", "“三会一课”完成率", 30, "rate", 0),
    ("meetings.first_topic_rate", "“第一议题”覆盖率", 20, "rate", 0),
    ("study.completion_rate", "学习任务完成率", 20, "rate", 0),
    ("supervision.on_time_rate", "整改按期完成率", 20, "rate", 0),
    ("supervision.red_cards", "红牌", 5, "deduct", 50),
    ("supervision.yellow_cards", "黄牌", 5, "deduct", 20),
]


def _now(now=None):
    return now or timezone.now()


def _today(now):
    return timezone.localdate(now) if timezone.is_aware(now) else now.date()


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _notify(*, kind, obj, recipients, title, url, organization_id=None, urgent=False):
    recipients = sorted(set(recipients))
    if not recipients:
        return
    transaction.on_commit(
        lambda: events.notify.send(
            sender=type(obj),
            kind=kind,
            obj=obj,
            recipients=recipients,
            title=title,
            url=url,
            urgent=urgent,
            organization_id=organization_id,
        )
    )


def _require(queryset, obj, message):
    if not queryset.filter(pk=obj.pk).exists():
        raise PermissionDenied(message)


def secretaries_of(orgs) -> dict[int, int]:
    """``{org.pk: user id}``: the secretary granted on the organisation itself, else its unit admin (one query)."""
    rank = {Role.SECRETARY: 0, Role.UNIT_ADMIN: 1}
    best: dict[int, tuple] = {}
    rows = RoleGrant.objects.filter(organization__in=list(orgs), role__in=list(rank), user__is_active=True).values_list(
        "organization_id", "role", "user_id"
    )
    for org_id, role, user_id in sorted(rows, key=lambda r: (rank[r[1]], r[2])):
        best.setdefault(org_id, (role, user_id))
    return {org_id: user_id for org_id, (_role, user_id) in best.items()}


# ---------------------------------------------------------------- rounds


@transaction.atomic
def open_round(
    *,
    actor,
    title: str,
    year: int,
    report_deadline: datetime.date,
    rating_starts: datetime.date,
    rating_ends: datetime.date,
    organization: Organization | None = None,
    live_weight: int = 60,
    record_weight: int = 40,
    include_branches: bool = False,
    raters=(),
) -> ReviewRound:
    """Open a round: the unit committees under the organisation report (and, if asked, their branches'
    secretaries, rated by their unit); ``raters`` rate the unit committees' secretaries."""
    managed = Organization.objects.visible_to(actor, "accountability.manage")
    if organization is None:
        organization = managed.order_by("depth", "path").first()
    if organization is None or not managed.filter(pk=organization.pk).exists():
        raise PermissionDenied(_("Only work committee staff may open a review round."))
    if not (title or "").strip():
        raise ValidationError(_("Give the round a title."))
    if live_weight is None or record_weight is None or live_weight < 0 or record_weight < 0:
        raise ValidationError(_("Weights must be whole percentages."))
    if live_weight + record_weight != 100:
        raise ValidationError(_("The live rating and the daily record weights must add up to 100."))
    if None in (report_deadline, rating_starts, rating_ends) or rating_ends < rating_starts:
        raise ValidationError(_("The rating window must end on or after the day it opens."))
    if not year or year < 2000 or year > 2100:
        raise ValidationError(_("Give the year reported on."))
    rnd = ReviewRound.objects.create(
        title=title.strip(),
        year=year,
        organization=organization,
        report_deadline=report_deadline,
        rating_starts=rating_starts,
        rating_ends=rating_ends,
        live_weight=live_weight,
        record_weight=record_weight,
        created_by=_user_or_none(actor),
    )
    RatingDimension.objects.bulk_create(
        [RatingDimension(round=rnd, name=n, description=d, order=i) for i, (n, d) in enumerate(DEFAULT_DIMENSIONS)]
    )
    RatingGrade.objects.bulk_create(
        [
            RatingGrade(round=rnd, name=n, points=Decimal(p), min_score=Decimal(m), order=i)
            for i, (n, p, m) in enumerate(DEFAULT_GRADES)
        ]
    )
    RecordIndicator.objects.bulk_create(
        [
            RecordIndicator(round=rnd, metric=m, label=lbl, weight=w, method=meth, deduction=Decimal(d), order=i)
            for i, (m, lbl, w, meth, d) in enumerate(DEFAULT_INDICATORS)
        ]
    )
    units = list(
        Organization.objects.filter(parent=organization, is_active=True)
        .exclude(kind=OrganizationKind.GROUP)
        .order_by("path")
    )
    pairs = [(u, organization) for u in units]
    if include_branches:
        unit_by_path = {u.path: u for u in units}
        for branch in Organization.objects.filter(
            path__startswith=organization.path,
            kind=OrganizationKind.BRANCH,
            is_active=True,
            depth__gt=organization.depth + 1,
        ).order_by("path"):
            unit = next((u for p, u in unit_by_path.items() if branch.path.startswith(p)), None)
            if unit is not None:
                pairs.append((branch, unit))
    if not pairs:
        raise ValidationError(_("There is no organisation under %(org)s to report.") % {"org": organization.name})
    secretaries = secretaries_of(o for o, _p in pairs)
    Reporter.objects.bulk_create(
        [Reporter(round=rnd, organization=o, panel=p, secretary_id=secretaries.get(o.pk)) for o, p in pairs]
    )
    seats = [Rater(round=rnd, user=u, panel=organization, kind=Rater.Kind.COMMITTEE) for u in dict.fromkeys(raters)]
    if include_branches:
        unit_admins = RoleGrant.objects.filter(
            organization__in=units, role=Role.UNIT_ADMIN, user__is_active=True
        ).values_list("organization_id", "user_id")
        seats += [
            Rater(round=rnd, user_id=user_id, panel_id=org_id, kind=Rater.Kind.COMMITTEE)
            for org_id, user_id in sorted(set(unit_admins))
        ]
    Rater.objects.bulk_create(seats, ignore_conflicts=True)
    audit.record(
        actor,
        "accountability.round_open",
        rnd,
        after={**snapshot(rnd), "reporters": [o.pk for o, _p in pairs], "raters": sorted({s.user_id for s in seats})},
    )
    url = reverse("accountability:round_detail", args=[rnd.pk])
    _notify(
        kind="accountability.rater_named",
        obj=rnd,
        recipients={s.user_id for s in seats},
        title=_("You are a rater of “%(title)s”: rating is open from %(start)s to %(end)s.")
        % {"title": rnd.title, "start": rnd.rating_starts, "end": rnd.rating_ends},
        url=reverse("accountability:rate_list", args=[rnd.pk]),
        organization_id=organization.pk,
    )
    _notify(
        kind="accountability.round_opened",
        obj=rnd,
        recipients=secretaries.values(),
        title=_("Review round “%(title)s”: file your written report by %(deadline)s.")
        % {"title": rnd.title, "deadline": rnd.report_deadline},
        url=url,
        organization_id=organization.pk,
    )
    return rnd


@transaction.atomic
def add_rater(*, actor, round: ReviewRound, user, panel: Organization | None = None, kind=Rater.Kind.REPRESENTATIVE):
    """Name a rater (a committee member or a representative) for one panel of an open round."""
    rnd = ReviewRound.objects.select_for_update().get(pk=round.pk)
    _require(ReviewRound.objects.visible_to(actor, "manage"), rnd, _("Only the round's organisers may name raters."))
    if not rnd.is_open:
        raise ValidationError(_("The round is closed."))
    panel = panel or rnd.organization
    if not rnd.reporters.filter(panel=panel).exists():
        raise ValidationError(_("Nobody in this round is rated by that panel."))
    if kind not in Rater.Kind.values:
        raise ValidationError(_("Unknown kind of rater."))
    if user is None or not user.is_active:
        raise ValidationError(_("Pick an active user."))
    rater, created = Rater.objects.get_or_create(round=rnd, user=user, panel=panel, defaults={"kind": kind})
    if not created:
        raise ValidationError(_("%(name)s is already a rater of this panel.") % {"name": user})
    audit.record(actor, "accountability.rater_add", rater, after=snapshot(rater), organization=rnd.organization)
    _notify(
        kind="accountability.rater_named",
        obj=rnd,
        recipients=[user.pk],
        title=_("You are a rater of “%(title)s”: rating is open from %(start)s to %(end)s.")
        % {"title": rnd.title, "start": rnd.rating_starts, "end": rnd.rating_ends},
        url=reverse("accountability:rate_list", args=[rnd.pk]),
        organization_id=rnd.organization_id,
    )
    return rater


@transaction.atomic
def close_round(*, actor, round: ReviewRound, now=None) -> ReviewRound:
    """Close the rating and compute every reporter's result: live rating, daily record, total, grade, rank."""
    rnd = ReviewRound.objects.select_for_update().get(pk=round.pk)
    _require(ReviewRound.objects.visible_to(actor, "manage"), rnd, _("Only the round's organisers may close it."))
    if not rnd.is_open:
        raise ValidationError(_("The round is already closed."))
    now = _now(now)
    before = snapshot(rnd)
    results = compute_results(rnd)
    reporters = list(rnd.reporters.select_related("organization"))
    for r in reporters:
        for field, value in results[r.pk].items():
            setattr(r, field, value)
    Reporter.objects.bulk_update(
        reporters, ["record_figures", "ratings_count", "live_score", "record_score", "total_score", "grade", "rank"]
    )
    rnd.status = ReviewRound.Status.CLOSED
    rnd.closed_at = now
    rnd.save(update_fields=["status", "closed_at"])
    audit.record(
        actor,
        "accountability.round_close",
        rnd,
        before=before,
        after={
            **snapshot(rnd),
            "results": {
                r.organization_id: {"total": str(r.total_score), "grade": r.grade_id, "rank": r.rank} for r in reporters
            },
        },
    )
    return rnd


def compute_results(rnd: ReviewRound) -> dict[int, dict]:
    """What closing would store for each reporter (saves nothing); a fixed number of queries."""
    from django.db.models import Avg, Count

    reporters = list(rnd.reporters.select_related("organization"))
    indicators = list(rnd.indicators.all())
    grades = list(rnd.grades.all())
    by_org = figures.figures_for(indicators, [r.organization for r in reporters], rnd.year)
    live = {
        row["reporter_id"]: row
        for row in Rating.objects.filter(reporter__round=rnd)
        .values("reporter_id")
        .annotate(n=Count("pk"), avg=Avg("score"))
    }
    out = {}
    for r in reporters:
        row = live.get(r.pk)
        live_score = figures.q2(row["avg"]) if row else None
        record_score = figures.record_score(indicators, by_org[r.organization_id])
        total = figures.total_score(live_score, record_score, rnd.live_weight, rnd.record_weight)
        grade = figures.grade_for(total, grades)
        out[r.pk] = {
            "record_figures": by_org[r.organization_id],
            "ratings_count": row["n"] if row else 0,
            "live_score": live_score,
            "record_score": record_score,
            "total_score": total,
            "grade": grade,
            "rank": None,
        }
    ordered = sorted((v["total_score"], pk) for pk, v in out.items() if v["total_score"] is not None)[::-1]
    previous, rank = None, 0
    for position, (score, pk) in enumerate(ordered, start=1):
        if score != previous:
            rank, previous = position, score
        out[pk]["rank"] = rank
    return out


@transaction.atomic
def publish_round(*, actor, round: ReviewRound, now=None) -> ReviewRound:
    """Publish the ranking and grades to the reporters."""
    rnd = ReviewRound.objects.select_for_update().get(pk=round.pk)
    _require(ReviewRound.objects.visible_to(actor, "manage"), rnd, _("Only the round's organisers may publish it."))
    if rnd.status != ReviewRound.Status.CLOSED:
        raise ValidationError(_("Close the round before publishing the ranking."))
    before = snapshot(rnd)
    rnd.status = ReviewRound.Status.PUBLISHED
    rnd.published_at = _now(now)
    rnd.save(update_fields=["status", "published_at"])
    audit.record(actor, "accountability.round_publish", rnd, before=before, after=snapshot(rnd))
    for r in rnd.reporters.filter(secretary__isnull=False):
        _notify(
            kind="accountability.result_published",
            obj=r,
            recipients=[r.secretary_id],
            title=_("Review round “%(title)s”: the results are published.") % {"title": rnd.title},
            url=reverse("accountability:reporter_detail", args=[r.pk]),
            organization_id=r.organization_id,
        )
    return rnd


# ---------------------------------------------------------------- reports and ratings


@transaction.atomic
def file_report(*, actor, reporter: Reporter, report: str, now=None) -> Reporter:
    """File (or, while the round is open, refile) the written report; the figures are filled in from the
    metric registry for the organisation and the year, and kept with the report as filed."""
    r = Reporter.objects.select_for_update().select_related("round", "organization").get(pk=reporter.pk)
    _require(
        Reporter.objects.visible_to(actor, "report"),
        r,
        _("Only the secretary of this organisation may file its report."),
    )
    if not r.round.is_open:
        raise ValidationError(_("The round is closed; the report can no longer change."))
    if not (report or "").strip():
        raise ValidationError(_("Write the report."))
    before = snapshot(r, ["report", "report_figures", "filed_at", "filed_by"])
    r.report = report.strip()
    r.report_figures = figures.figures_for(r.round.indicators.all(), [r.organization], r.round.year)[r.organization_id]
    r.filed_at = _now(now)
    r.filed_by = _user_or_none(actor)
    r.save(update_fields=["report", "report_figures", "filed_at", "filed_by"])
    audit.record(
        actor,
        "accountability.report_file",
        r,
        before=before,
        after=snapshot(r, ["report", "report_figures", "filed_at", "filed_by"]),
        organization=r.organization,
    )
    return r


@transaction.atomic
def rate(*, actor, reporter: Reporter, taps: dict, now=None) -> Rating:
    """One rater's grades for one reporter, one per dimension: written once, final.

    The audit says who rated whom and when, never the grades (the rating is anonymous).
    """
    r = Reporter.objects.select_related("round").get(pk=reporter.pk)
    rnd = r.round
    seat = Rater.objects.filter(round=rnd, panel_id=r.panel_id, user_id=getattr(actor, "pk", None)).first()
    if seat is None:
        raise PermissionDenied(_("You are not a rater of this secretary."))
    now = _now(now)
    if not rnd.is_open:
        raise ValidationError(_("The round is closed; ratings can no longer be given."))
    today = _today(now)
    if not (rnd.rating_starts <= today <= rnd.rating_ends):
        raise ValidationError(
            _("Rating is open from %(start)s to %(end)s.") % {"start": rnd.rating_starts, "end": rnd.rating_ends}
        )
    if r.secretary_id == actor.pk:
        raise ValidationError(_("You cannot rate yourself."))
    if Rating.objects.filter(reporter=r, rater=seat).exists():
        raise ValidationError(_("You have already rated this secretary; a rating cannot be changed."))
    dimensions = dict(rnd.dimensions.values_list("pk", "weight"))
    grades = dict(rnd.grades.values_list("pk", "points"))
    try:
        taps = {int(k): int(v) for k, v in (taps or {}).items() if v not in (None, "")}
    except (TypeError, ValueError):
        raise ValidationError(_("Pick one grade for every item.")) from None
    if set(taps) != set(dimensions) or not set(taps.values()) <= set(grades):
        raise ValidationError(_("Pick one grade for every item."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                reporter=r, rater=seat, score=figures.rating_score(dimensions, grades, taps), submitted_at=now
            )
    except IntegrityError:
        raise ValidationError(_("You have already rated this secretary; a rating cannot be changed.")) from None
    RatingScore.objects.bulk_create(
        [RatingScore(rating=rating, dimension_id=d, grade_id=g) for d, g in sorted(taps.items())]
    )
    audit.record(
        actor,
        "accountability.rate",
        rating,
        after={"reporter": r.pk, "rater": seat.pk, "submitted_at": now.isoformat()},
        organization=r.organization,
    )
    return rating


# ---------------------------------------------------------------- problems → rectification


def _rectification_target(actor, rnd: ReviewRound, organization, deadline, now) -> TaskTarget:
    """The round's supervision task (created issued on the first problem) and the organisation's target."""
    task = rnd.rectification_task
    if task is None:
        task = SupervisionTask.objects.create(
            title=_("Rectification of problems named in “%(title)s”") % {"title": rnd.title},
            kind=TaskKind.ROUTINE,
            organization=rnd.organization,
            requirements=_("Problems named in the secretaries' accountability review."),
            deadline=deadline,
            status=SupervisionTask.Status.ISSUED,
            issued_at=now,
            created_by=_user_or_none(actor),
        )
        if _user_or_none(actor):
            task.inspectors.add(actor)
        audit.record(actor, "supervision.task_create", task, after=snapshot(task))
        rnd.rectification_task = task
        rnd.save(update_fields=["rectification_task"])
    elif deadline > task.deadline:
        before = snapshot(task)
        task.deadline = deadline
        task.save(update_fields=["deadline"])
        audit.record(actor, "supervision.task_deadline", task, before=before, after=snapshot(task))
    target, _created = TaskTarget.objects.get_or_create(task=task, organization=organization)
    return target


@transaction.atomic
def send_problem(
    *,
    actor,
    reporter: Reporter,
    description: str,
    deadline: datetime.date,
    category: FindingCategory | None = None,
    measures: str = "",
    owner_person=None,
    now=None,
) -> ReviewProblem:
    """Name a problem from the review and hand it to supervision's rectification loop (owner, deadline)."""
    r = Reporter.objects.select_related("round", "organization").get(pk=reporter.pk)
    rnd = ReviewRound.objects.select_for_update().get(pk=r.round_id)
    _require(ReviewRound.objects.visible_to(actor, "manage"), rnd, _("Only the round's organisers may name problems."))
    if not rnd.results_ready:
        raise ValidationError(_("Close the round before sending problems to rectification."))
    if not (description or "").strip():
        raise ValidationError(_("Describe the problem."))
    now = _now(now)
    if deadline is None or deadline < _today(now):
        raise ValidationError(_("The rectification deadline must not be in the past."))
    category = category or FindingCategory.objects.filter(is_active=True).order_by("order", "pk").first()
    if category is None:
        raise ValidationError(_("Set up finding categories first."))
    target = _rectification_target(actor, rnd, r.organization, deadline, now)
    finding = supervision.record_finding(
        actor=actor,
        target=target,
        category=category,
        severity="general",
        description=description.strip(),
        measures=(measures or "").strip(),
        rectification_deadline=deadline,
        owner_person=owner_person,
        now=now,
    )
    problem = ReviewProblem.objects.create(
        reporter=r, description=description.strip(), finding=finding, created_by=_user_or_none(actor), created_at=now
    )
    audit.record(actor, "accountability.problem_send", problem, after=snapshot(problem), organization=r.organization)
    return problem
