"""Demo data: a published four-strong indicator system (last year's and this year's version),
last year's finished cycle with grades and named model units, and this year's open cycle.

Bulk inserts throughout; deterministic from ``ctx.rng``. ``city`` scale (600 branches) loads in seconds.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from branches import audit

from . import scoring, services
from .models import (
    AssessmentCycle,
    AssessmentStatus,
    BranchAssessment,
    CycleStatus,
    Dimension,
    GradeThreshold,
    Honor,
    HonorKind,
    Indicator,
    IndicatorResult,
    IndicatorSystem,
    Method,
    SystemStatus,
)

S, C, D, B, V, M = Method.SCALE, Method.CHECKLIST, Method.DEDUCTION, Method.BONUS, Method.VETO, Method.COMPUTED


def _scale(*points):
    names = ["好", "较好", "一般", "差"]
    return {"levels": [{"name": n, "points": p} for n, p in zip(names, points, strict=False)]}


def _table(*rows):
    return {"table": [dict(r) for r in rows]}


# (dimension code, code, name, max, method, config, required evidence, guidance)
INDICATORS = [
    (
        "P",
        "P1",
        "理论武装：原原本本学习党的二十大报告",
        6,
        S,
        _scale(6, 4, 2, 0),
        "学习记录、心得体会",
        "逐字逐句学，学习覆盖每名党员",
    ),
    (
        "P",
        "P2",
        "“第一议题”制度落实",
        6,
        M,
        {
            "metric": "meetings.first_topic_rate",
            **_table(
                {"min": 95, "max": 100, "points": 6},
                {"min": 80, "max": 95, "points": 4},
                {"min": 60, "max": 80, "points": 2},
            ),
        },
        "",
        "由会议记录自动计算",
    ),
    (
        "P",
        "P3",
        "意识形态工作责任制",
        5,
        C,
        {"items": ["专题研判", "阵地管理", "舆情处置", "网评队伍", "年度报告"], "points_per_item": 1},
        "制度文件、研判记录",
        "",
    ),
    (
        "P",
        "P4",
        "党员学习完成率",
        5,
        M,
        {
            "metric": "study.completion_rate",
            **_table(
                {"min": 95, "max": 100, "points": 5},
                {"min": 85, "max": 95, "points": 4},
                {"min": 70, "max": 85, "points": 2},
            ),
        },
        "",
        "由学习系统自动计算",
    ),
    ("P", "P5", "严重违纪违法（一票否决）", 0, V, {"condition": "支部班子成员发生严重违纪违法问题"}, "", ""),
    ("P", "P6", "主题党日活动", 3, S, _scale(3, 2, 1, 0), "活动记录、照片", "每月固定开展"),
    ("T", "T1", "按期换届", 5, D, {"per_occurrence": 3}, "换届批复", "未按期换届每次扣3分"),
    (
        "T",
        "T2",
        "班子配备与分工",
        8,
        C,
        {"items": ["书记配备到位", "支委分工明确", "组织委员履职", "纪检委员履职"], "points_per_item": 2},
        "分工文件",
        "",
    ),
    ("T", "T3", "书记抓党建述职评议", 4, S, _scale(4, 3, 2, 0), "述职报告、评议结果", ""),
    (
        "T",
        "T4",
        "支委会等会议合规率",
        6,
        M,
        {
            "metric": "meetings.compliance_rate",
            **_table(
                {"min": 95, "max": 100, "points": 6},
                {"min": 85, "max": 95, "points": 5},
                {"min": 70, "max": 85, "points": 3},
            ),
        },
        "",
        "由会议记录自动计算",
    ),
    ("T", "T5", "书记参加培训", 2, S, _scale(2, 1, 0, 0), "培训证书", "新任书记6个月内完成培训"),
    ("M", "M1", "“三会一课”落实", 8, D, {"per_occurrence": 1}, "会议记录", "应开未开每次扣1分"),
    ("M", "M2", "发展党员工作", 4, S, _scale(4, 3, 2, 0), "发展党员档案", ""),
    (
        "M",
        "M3",
        "党费收缴使用管理",
        3,
        C,
        {"items": ["按时足额收缴", "台账规范", "公示"], "points_per_item": 1},
        "党费台账",
        "",
    ),
    (
        "M",
        "M4",
        "人均学时",
        5,
        M,
        {
            "metric": "study.hours_per_capita",
            **_table(
                {"min": 32, "points": 5}, {"min": 24, "max": 32, "points": 3}, {"min": 16, "max": 24, "points": 1}
            ),
        },
        "",
        "党员每年不少于32学时",
    ),
    ("M", "M5", "民主评议党员", 5, S, _scale(5, 4, 2, 0), "评议结果", ""),
    (
        "R",
        "R1",
        "督查整改按期完成",
        6,
        M,
        {
            "metric": "supervision.overdue_rectifications",
            # Counts are whole numbers: 0 → 6, 1–2 → 3, 3 or more → 0 (rows read from the top).
            **_table({"max": 0, "points": 6}, {"min": 0, "max": 2, "points": 3}, {"min": 2, "points": 0}),
        },
        "",
        "超期未整改问题数",
    ),
    ("R", "R2", "亮黄牌、掏红牌", 4, D, {"per_occurrence": 2}, "督查通报", "被亮牌每次扣2分"),
    ("R", "R3", "围绕中心服务大局", 6, S, _scale(6, 4, 2, 0), "工作总结", ""),
    (
        "R",
        "R4",
        "联系服务群众",
        9,
        C,
        {"items": ["结对共建", "志愿服务", "为民办实事"], "points_per_item": 3},
        "活动记录",
        "",
    ),
    ("R", "R5", "创先争优（加分）", 5, B, {"per_item": 1}, "表彰文件", "获市级以上表彰每项加1分，最多5分"),
    ("R", "R6", "“一支部一品牌”创建（加分）", 3, B, {"per_item": 3}, "品牌创建材料", ""),
    (
        "R",
        "R7",
        "意识形态领域重大事故（一票否决）",
        0,
        V,
        {"condition": "发生意识形态领域重大事故或造成恶劣影响"},
        "",
        "",
    ),
]
DIMENSIONS = [("P", "政治功能强"), ("T", "支部班子强"), ("M", "党员队伍强"), ("R", "作用发挥强")]
GRADES = [("A", "四强党支部", 90), ("B", "达标", 80), ("C", "基本达标", 70), ("D", "不达标", 0)]


def _system(year: int, based_on=None) -> IndicatorSystem:
    latest = IndicatorSystem.objects.filter(year=year).order_by("-version").first()
    system = IndicatorSystem.objects.create(
        year=year,
        version=latest.version + 1 if latest else 1,
        name=f"{year}年度四强党支部考评指标体系",
        status=SystemStatus.PUBLISHED,
        top_quota_percent=30,
        review_margin=Decimal("2"),
        based_on=based_on,
        published_at=timezone.make_aware(datetime.datetime(year, 1, 15, 9)),
    )
    dims = Dimension.objects.bulk_create(
        Dimension(system=system, code=c, name=n, order=i) for i, (c, n) in enumerate(DIMENSIONS)
    )
    by_code = {d.code: d for d in dims}
    Indicator.objects.bulk_create(
        Indicator(
            dimension=by_code[dc],
            code=code,
            name=name,
            max_score=Decimal(mx),
            method=method,
            config=config,
            required_evidence=evidence,
            guidance=guidance,
            order=i,
        )
        for i, (dc, code, name, mx, method, config, evidence, guidance) in enumerate(INDICATORS)
    )
    GradeThreshold.objects.bulk_create(
        GradeThreshold(system=system, code=c, label=label, min_score=Decimal(s)) for c, label, s in GRADES
    )
    return system


def _random_input(rng, ind, quality: float) -> dict:
    """A plausible answer for an indicator; ``quality`` in [0, 1] makes a branch better or worse."""
    cfg = ind.config
    good = rng.random() < quality
    if ind.method == S:
        levels = cfg["levels"]
        return {"level": levels[0 if good else rng.randint(1, len(levels) - 1)]["name"]}
    if ind.method == C:
        n = len(cfg["items"])
        k = n if good else rng.randint(0, n - 1)
        return {"checked": list(range(k))}
    if ind.method == D:
        return {"count": 0 if good else rng.randint(1, 3)}
    if ind.method == B:
        return {"count": rng.randint(0, 3) if good else 0}
    if ind.method == V:
        return {"triggered": rng.random() < 0.01}
    return {}


def _random_metric_value(rng, ind, quality):
    name = ind.metric_name
    if name == "supervision.overdue_rectifications":
        return float(0 if rng.random() < quality else rng.randint(1, 4))
    if name == "study.hours_per_capita":
        return round(rng.uniform(20, 45) if rng.random() < quality else rng.uniform(10, 30), 1)
    return round(rng.uniform(90, 100) if rng.random() < quality else rng.uniform(55, 92), 1)


def _fill(rng, assessments, indicators, *, computed_values: bool, review: bool, qualities):
    """Score the given assessments in memory; returns the result rows to insert."""
    results = []
    for a in assessments:
        quality = qualities[a.organization_id]
        for ind in indicators:
            r = IndicatorResult(assessment=a, indicator=ind)
            r.self_input = _random_input(rng, ind, quality)
            if ind.method == M and computed_values:
                r.computed_value = _random_metric_value(rng, ind, quality)
                r.computed_points = min(scoring.points_from_table(ind.config["table"], r.computed_value), ind.max_score)
                r.computed_source = f"{ind.name}: {r.computed_value}（示例数据）"
            r.self_score = scoring.score(ind, r.self_input, computed_value=r.computed_value)
            if review and ind.method != V:
                delta = Decimal(rng.choice([0, 0, 0, -1, -2])) if ind.method in (S, C) else Decimal("0")
                r.review_score = max(Decimal("0"), (r.self_score or Decimal("0")) + delta)
            r.review_veto = bool(review and r.self_vetoed)
            results.append(r)
    return results


def seed(ctx) -> None:
    rng = ctx.rng
    data = ctx.data
    root, branch_orgs = data["root"], data["branches"]
    # Relative to the day of seeding (Asia/Shanghai): this year's cycle is in its self-assessment window.
    today = timezone.localdate()
    year, last = today.year, today.year - 1
    qualities = {b.pk: rng.uniform(0.55, 0.97) for b in branch_orgs}

    old_system = _system(last)
    system = _system(year, based_on=old_system)
    grades = list(old_system.grades.all())
    ordered = sorted(grades, key=lambda g: g.min_score, reverse=True)

    # Last year's finished cycle.
    aware = lambda d: timezone.make_aware(datetime.datetime.combine(d, datetime.time(9)))  # noqa: E731
    d = datetime.date
    old = AssessmentCycle.objects.create(
        system=old_system,
        root=root,
        year=last,
        name=f"{last}年度四强党支部考评",
        status=CycleStatus.FINAL,
        opens_on=d(last, 11, 10),
        self_due=d(last, 12, 10),
        review_due=d(last, 12, 20),
        cutoff=d(last, 12, 20),
        calibration_due=d(last, 12, 28),
        notice_until=d(year, 1, 8),
        appeal_until=d(year, 1, 10),
        frozen_at=aware(d(last, 12, 20)),
        published_at=aware(d(last, 12, 30)),
        finalized_at=aware(d(year, 1, 12)),
    )
    old_assessments = BranchAssessment.objects.bulk_create(
        BranchAssessment(
            cycle=old,
            organization=b,
            status=AssessmentStatus.FINAL,
            submitted_at=aware(d(last, 12, 8)),
            reviewed_at=aware(d(last, 12, 18)),
        )
        for b in branch_orgs
    )
    indicators = list(Indicator.objects.filter(dimension__system=old_system).order_by("order"))
    results = _fill(rng, old_assessments, indicators, computed_values=True, review=True, qualities=qualities)
    by_assessment: dict[int, list] = {}
    for r in results:
        by_assessment.setdefault(id(r.assessment), []).append(r)
    orgs = {b.pk: b for b in branch_orgs}
    for a in old_assessments:
        rs = by_assessment[id(a)]
        a.organization = orgs[a.organization_id]
        services._grade_assessment(a, rs, grades)
        a.self_total = sum((r.self_score or 0 for r in rs if r.indicator.method != V), Decimal("0"))
        a.review_total = sum((r.review_score or 0 for r in rs if r.indicator.method != V), Decimal("0"))
    services.apply_quota(old_assessments, old_system.top_quota_percent, ordered[0], ordered[1])
    BranchAssessment.objects.bulk_update(
        old_assessments,
        ["self_total", "review_total", "final_total", "vetoed", "grade", "quota_demoted"],
        batch_size=1000,
    )
    IndicatorResult.objects.bulk_create(results, batch_size=2000)
    best = sorted(old_assessments, key=lambda a: -(a.final_total or 0))
    Honor.objects.bulk_create(
        [
            Honor(
                cycle=old,
                organization=a.organization,
                kind=HonorKind.BRAND,
                citation=f"{a.organization.name}党建品牌特色鲜明，成效显著。",
            )
            for a in best[:3]
        ]
        + [
            Honor(
                cycle=old,
                organization=best[0].organization.parent,
                kind=HonorKind.MODEL_UNIT,
                citation="模范机关创建成效突出，所属支部考评成绩优异。",
            )
        ]
    )

    # This year's open cycle: every branch gets its assessment; part of them already submitted.
    cycle = services.open_cycle(
        actor=audit.SYSTEM,
        system=system,
        root=root,
        name=f"{year}年度四强党支部考评",
        self_due=today + datetime.timedelta(days=20),
        review_due=today + datetime.timedelta(days=35),
        cutoff=today + datetime.timedelta(days=35),
        calibration_due=today + datetime.timedelta(days=45),
        notice_until=today + datetime.timedelta(days=55),
        appeal_until=today + datetime.timedelta(days=60),
    )
    demo_branch = data["demo_branch"]
    current = list(cycle.assessments.exclude(organization=demo_branch))
    submitted = [a for a in current if rng.random() < 0.4]
    rows = list(IndicatorResult.objects.filter(assessment__in=[a.pk for a in submitted]).select_related("indicator"))
    totals: dict[int, Decimal] = {}
    by_id = {a.pk: a for a in submitted}
    for r in rows:
        quality = qualities[by_id[r.assessment_id].organization_id]
        r.self_input = _random_input(rng, r.indicator, quality)
        r.self_score = scoring.score(r.indicator, r.self_input, computed_value=r.computed_value)
        if r.indicator.method == M and r.self_score is None:
            r.self_input = {"manual": str(r.indicator.max_score)}
            r.self_score = r.indicator.max_score
        if r.indicator.method != V:
            totals[r.assessment_id] = totals.get(r.assessment_id, Decimal("0")) + (r.self_score or 0)
    IndicatorResult.objects.bulk_update(rows, ["self_input", "self_score"], batch_size=2000)
    now = timezone.now()
    for a in submitted:
        a.status = AssessmentStatus.SUBMITTED
        a.self_total = totals.get(a.pk, Decimal("0"))
        a.submitted_at = now
    BranchAssessment.objects.bulk_update(submitted, ["status", "self_total", "submitted_at"], batch_size=1000)
    audit.record(
        audit.SYSTEM,
        "assessment.demo_seeded",
        cycle,
        organization=root,
        after={"systems": [old_system.pk, system.pk], "cycles": [old.pk, cycle.pk], "branches": len(branch_orgs)},
    )
    ctx.data.update(assessment_cycle=cycle, assessment_last_cycle=old)
    ctx.log(f"  assessment: {len(INDICATORS)} indicators, {len(branch_orgs)} branches × 2 cycles")
