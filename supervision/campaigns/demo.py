"""Demo 模范机关创建 (entries at every stage, one title revoked) and 一支部一品牌 (a few named brands)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from branches import audit

from . import brands, services
from .models import BrandTheme, Campaign

BRANDS = [
    ("红色引擎·服务先锋", "以党建引领窗口服务提质增效"),
    ("初心讲堂", "支部书记讲党课，青年党员讲业务"),
    ("廉洁微课堂", "把廉政教育融入日常业务流程"),
    ("党员志愿服务队", "常态化开展社区志愿服务"),
    ("数智党建", "用信息化手段提升组织生活质量"),
    ("一线工作法", "党员干部下沉一线解难题"),
]


def seed(ctx):
    rng, data = ctx.rng, ctx.data
    users, root, units = data["users"], data["root"], data["unit_orgs"]
    committee = users["committee"]
    today = timezone.localdate()
    now = timezone.now()
    campaign = services.create_campaign(
        actor=committee,
        title=f"{today.year}年度模范机关创建（让党中央放心、让人民群众满意）",
        year=today.year,
        apply_deadline=today + datetime.timedelta(days=30),
        organization=root,
    )
    standards = list(campaign.standards.all())
    stages = ["accepted", "applied", "evaluated", "named", "revoked", "named_advanced"]
    applied_at = now - datetime.timedelta(days=200)
    for org, stage in zip(units, stages, strict=False):
        entry = services.apply(
            actor=audit.SYSTEM,
            campaign=campaign,
            organization=org,
            plan="创建方案：目标、措施、进度安排……",
            now=applied_at,
        )
        if stage == "applied":
            continue
        services.decide(actor=committee, entry=entry, accept=True)
        services.report_progress(
            actor=audit.SYSTEM, entry=entry, content="上半年创建进展……", half=f"{today.year}-H1", now=now
        )
        if stage == "accepted":
            continue
        share = Decimal("0.85") if stage == "named_advanced" else Decimal("0.95")
        services.evaluate(
            actor=committee,
            entry=entry,
            scores={s.pk: (s.max_score * share).quantize(Decimal("0.5")) for s in standards},
        )
        if stage == "evaluated":
            continue
        services.name_entry(actor=committee, entry=entry, now=now)
        if stage == "revoked":
            services.recheck(actor=committee, entry=entry, passed=False, note="复查发现三会一课台账不全", now=now)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.OPEN)

    themes = list(BrandTheme.objects.all())
    branches = data["branches"][: len(BRANDS)]
    for i, (branch, (name, idea)) in enumerate(zip(branches, BRANDS, strict=False)):
        actor = users["secretary"] if branch.pk == data["demo_branch"].pk else audit.SYSTEM
        b = brands.register(
            actor=actor,
            organization=branch,
            year=today.year,
            theme=themes[i % len(themes)] if themes else BrandTheme.objects.create(name="党建与业务融合"),
            name=name,
            idea=idea,
            measures="建立工作机制，细化任务清单，定期总结推广",
            expected_results="形成可复制可推广的经验做法",
        )
        if i == 0:
            continue  # the demo branch's own brand stays registered for the secretary to report on
        brands.report_results(actor=audit.SYSTEM, brand=b, results="年度工作成效明显，群众满意度提升")
        if i == 1:
            continue
        brands.unit_review(actor=audit.SYSTEM, brand=b, score=Decimal(rng.randint(85, 98)), opinion="同意推荐")
        brands.committee_decide(actor=committee, brand=b, named=True, opinion="予以命名", now=now)
    ctx.log(f"  campaigns: 1 campaign, {campaign.entries.count()} entries; {len(branches)} brand projects")
