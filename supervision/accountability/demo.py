"""Demo 述职评议: last year's round closed and published (with two problems sent to rectification), and this
year's round open with partial ratings. Three demo raters (``rater1``–``rater3``, the demo password) join the
committee account; the unit admin rates the demo unit's branch secretaries."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from branches import audit

from . import services


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed(ctx):
    from branches.demo import DEMO_PASSWORD

    rng, data = ctx.rng, ctx.data
    users, root = data["users"], data["root"]
    committee = users["committee"]
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    raters = [committee] + [
        User.objects.create(username=f"rater{i}", full_name=f"测评代表{i}", password=password) for i in (1, 2, 3)
    ]
    users.update({f"rater{i}": u for i, u in enumerate(raters[1:], start=1)})
    today = timezone.localdate()

    # Last year's round: rated in January, closed, published, two problems of the demo unit to rectification.
    day = datetime.date(today.year, 1, 15) if today.month > 1 else today - datetime.timedelta(days=20)
    closed = services.open_round(
        actor=committee,
        title=f"{today.year - 1}年度书记抓基层党建工作述职评议",
        year=today.year - 1,
        organization=root,
        report_deadline=day,
        rating_starts=day,
        rating_ends=day + datetime.timedelta(days=2),
        raters=raters,
    )
    grades = list(closed.grades.all())
    dims = list(closed.dimensions.all())
    reporters = list(closed.reporters.all())
    for r in reporters:
        services.file_report(actor=audit.SYSTEM, reporter=r, report="一年来，坚持以党建引领业务……", now=_at(day, 9))
        for rater in raters:
            taps = {d.pk: rng.choices(grades, weights=[6, 3, 1, 0.2])[0].pk for d in dims}
            services.rate(actor=rater, reporter=r, taps=taps, now=_at(day, 15))
    services.close_round(actor=committee, round=closed, now=_at(day + datetime.timedelta(days=3)))
    services.publish_round(actor=committee, round=closed, now=_at(day + datetime.timedelta(days=4)))
    demo = closed.reporters.get(organization=data["demo_unit_org"])
    for text in ("“第一议题”学习后研究落实措施不够具体", "基层支部标准化规范化建设推进不平衡"):
        services.send_problem(
            actor=committee,
            reporter=demo,
            description=text,
            deadline=today + datetime.timedelta(days=45),
            now=timezone.now(),
        )

    # This year's round: open, branch secretaries included (rated by their unit), ratings partly in.
    current = services.open_round(
        actor=committee,
        title=f"{today.year}年度书记抓基层党建工作述职评议",
        year=today.year,
        organization=root,
        report_deadline=today + datetime.timedelta(days=10),
        rating_starts=today,
        rating_ends=today + datetime.timedelta(days=14),
        include_branches=True,
        raters=raters,
    )
    grades = list(current.grades.all())
    dims = list(current.dimensions.all())
    units = list(current.reporters.filter(panel=root).order_by("organization__path"))
    for r in units[: max(1, len(units) // 2)]:
        services.file_report(actor=audit.SYSTEM, reporter=r, report="本年度述职报告（初稿）……", now=timezone.now())
        taps = {d.pk: rng.choice(grades[:3]).pk for d in dims}
        services.rate(actor=committee, reporter=r, taps=taps)
    ctx.log(f"  accountability: 2 rounds, {len(reporters)} + {current.reporters.count()} reporting secretaries")
