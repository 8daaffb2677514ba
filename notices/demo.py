"""Demo notices with partial receipts, an open collection with returned and late answers, plans in mixed states.

Built through the services (so audit and recipients are real), then read and signed in bulk updates.
At city scale the city-wide work news reaches every member account (about 20,000 recipients) in one publish.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from branches import audit
from branches.models import Organization, OrganizationKind
from branches.roles import Role

from . import services
from .collection import services as collection
from .models import NoticeRecipient, PlanReport, Submission
from .plans import services as plans


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _mark(rng, notice, share_read, share_signed, now):
    ids = list(NoticeRecipient.objects.filter(notice=notice).values_list("pk", flat=True))
    read = [pk for pk in ids if rng.random() < share_read]
    NoticeRecipient.objects.filter(pk__in=read).update(read_at=now)
    if notice.requires_receipt:
        signed = [pk for pk in read if rng.random() < share_signed]
        NoticeRecipient.objects.filter(pk__in=signed).update(signed_at=now, reply="已收到，按要求落实。")


def seed_notices(ctx, today, now):
    rng, data = ctx.rng, ctx.data
    root, units = data["root"], data["unit_orgs"]
    two = units[:2]
    secretaries = [{"kind": "role", "organization": u, "include_subtree": True, "role": Role.SECRETARY} for u in two]
    n = services.create_notice(
        actor=audit.SYSTEM,
        organization=root,
        category="notice",
        title="关于开展2026年度“书记讲党课”活动的通知",
        body="<p>各支部书记：</p><p>请于本月内结合工作实际讲授一次专题党课，并在门户中录入。</p>",
        audience=secretaries,
        requires_receipt=True,
        receipt_deadline=today + datetime.timedelta(days=3),
        publish=True,
        now=now - datetime.timedelta(days=2),
    )
    _mark(rng, n, 0.8, 0.6, now - datetime.timedelta(days=1))
    news = services.create_notice(
        actor=audit.SYSTEM,
        organization=root,
        category="news",
        title="市直机关工委召开全面从严治党工作会议",
        body="会议传达学习了上级有关会议精神，部署了下一阶段重点工作。",
        audience=[{"kind": "organization", "organization": root, "include_subtree": True}],
        publish=True,
        now=now - datetime.timedelta(days=5),
    )
    _mark(rng, news, 0.4, 0, now - datetime.timedelta(days=4))
    services.create_notice(
        actor=audit.SYSTEM,
        organization=root,
        category="announcement",
        title="关于调整党费收缴时间的公告（定时发布）",
        body="自下月起，党费于每月10日前收缴。",
        audience=[{"kind": "organization", "organization": root, "include_subtree": True}],
        publish=True,
        publish_at=now + datetime.timedelta(days=1),
        now=now,
    )
    unit = data["demo_unit_org"]
    services.create_notice(
        actor=audit.SYSTEM,
        organization=unit,
        category="bulletin",
        title="关于第一季度组织生活开展情况的通报",
        body="第一季度各支部组织生活总体规范，个别支部记录不完整，请对照整改。",
        audience=[{"kind": "organization", "organization": unit, "include_subtree": True}],
        requires_receipt=True,
        receipt_deadline=today + datetime.timedelta(days=5),
        publish=True,
        now=now - datetime.timedelta(hours=3),
    )
    return n


FIELDS = [
    {"key": "members", "label": "党员人数", "type": "number", "required": True},
    {"key": "done", "label": "完成时间", "type": "date", "required": False},
    {"key": "level", "label": "自评等次", "type": "choice", "choices": ["好", "较好", "一般"], "required": True},
    {"key": "highlights", "label": "主要做法", "type": "text", "required": False},
]


def _answer(sub, rng, when, *, submit=True):
    return collection.save_answer(
        actor=audit.SYSTEM,
        submission=sub,
        answers={
            "members": str(rng.randint(20, 180)),
            "done": str(timezone.localdate(when)),
            "level": rng.choice(["好", "较好", "一般"]),
            "highlights": "坚持“三会一课”，开展主题党日活动。",
        },
        submit=submit,
        now=when,
    )


def seed_collection(ctx, today, now):
    rng, data = ctx.rng, ctx.data
    root, units = data["root"], data["unit_orgs"]
    req = collection.create_request(
        actor=audit.SYSTEM,
        organization=root,
        title="关于报送上半年党建工作情况的通知",
        instructions="请各单位机关党委汇总本单位上半年党建工作情况，按表格填报。",
        deadline=today - datetime.timedelta(days=3),
        fields=FIELDS,
        targets=units,
        today=today - datetime.timedelta(days=20),
    )
    subs = list(Submission.objects.filter(request=req).select_related("organization"))
    demo_unit = data["demo_unit_org"]
    for i, sub in enumerate(subs):
        roll = rng.random()
        if sub.organization_id == demo_unit.pk:
            continue  # the unit admin answers it in the demo
        if roll < 0.35:
            s = _answer(sub, rng, now - datetime.timedelta(days=6))
            if i % 2:
                collection.accept_submission(actor=audit.SYSTEM, submission=s)
        elif roll < 0.5:
            s = _answer(sub, rng, now - datetime.timedelta(days=5))
            collection.return_submission(
                actor=audit.SYSTEM, submission=s, reason="党员人数与党员名册不一致，请核对后重新报送。"
            )
        elif roll < 0.7:
            _answer(sub, rng, now - datetime.timedelta(days=1))  # late
        elif roll < 0.8:
            _answer(sub, rng, now - datetime.timedelta(days=8), submit=False)
    branches = list(Organization.objects.subtree_of(demo_unit).branches())
    if branches:
        collection.create_request(
            actor=audit.SYSTEM,
            organization=demo_unit,
            title="关于报送支部“一支部一品牌”创建材料的通知",
            instructions="请各支部填写品牌名称和主要做法。",
            deadline=today + datetime.timedelta(days=7),
            fields=[
                {"key": "brand", "label": "品牌名称", "type": "text", "required": True},
                {"key": "summary", "label": "主要做法", "type": "text", "required": False},
            ],
            targets=branches,
        )


def seed_plans(ctx, today, now):
    rng, data = ctx.rng, ctx.data
    year = today.year
    orgs = list(data["unit_orgs"][:4]) + list(
        Organization.objects.subtree_of(data["demo_unit_org"]).filter(kind=OrganizationKind.BRANCH)
    )
    for i, org in enumerate(orgs):
        roll = rng.random() if org.pk != data["demo_branch"].pk else 0.1
        if roll > 0.85:
            continue  # not filed
        when = _at(datetime.date(year, 3, rng.randint(1, 28))) if roll < 0.6 else _at(datetime.date(year, 4, 15))
        r = plans.file_report(
            actor=audit.SYSTEM,
            organization=org,
            kind="annual_plan",
            year=year,
            title=f"{org.name}{year}年度党建工作计划",
            body="一、加强政治建设\n二、抓好理论学习\n三、规范组织生活\n四、推进党建与业务融合",
            submit=roll < 0.75,
            now=min(when, now),
        )
        if r.status == "submitted" and i % 3 == 0:
            plans.review_report(actor=audit.SYSTEM, report=r, approve=True, comment="计划具体，同意。")
        elif r.status == "submitted" and i % 3 == 1:
            plans.review_report(actor=audit.SYSTEM, report=r, approve=False, comment="请细化主题党日安排。")
        if i < 3:
            plans.file_report(
                actor=audit.SYSTEM,
                organization=org,
                kind="annual_summary",
                year=year - 1,
                title=f"{org.name}{year - 1}年度党建工作总结",
                body="全年工作总结。",
                submit=True,
                now=min(_at(datetime.date(year, 1, 10)), now),
            )


def seed(ctx) -> None:
    today = timezone.localdate()
    now = timezone.now()
    seed_notices(ctx, today, now)
    seed_collection(ctx, today, now)
    seed_plans(ctx, today, now)
    ctx.log(
        f"  notices: {NoticeRecipient.objects.count()} recipients; "
        f"{Submission.objects.count()} submissions; {PlanReport.objects.count()} plans and summaries"
    )
