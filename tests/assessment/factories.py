"""Builders for assessment tests: a small indicator system using every scoring method."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

from assessment import services
from assessment.models import Dimension, GradeThreshold, Indicator, IndicatorSystem, Method
from branches import audit, metric_registry
from branches.metric_registry import Metric

YEAR = 2026
TEST_METRIC = "test.compliance_rate"


@contextmanager
def registered_metric(name, values: dict, *, drill="/drill/"):
    """Register a metric whose value for an org is ``values[org.pk]`` (a dict the test may change)."""
    metric = Metric(
        name=name,
        label="测试合规率",
        unit="%",
        many=lambda orgs, period: {o.pk: values.get(o.pk) for o in orgs},
        drill_url=lambda org, period: f"{drill}{org.pk}/",
    )
    metric_registry.load_all()
    previous = metric_registry._REGISTRY.get(name)
    metric_registry.register(metric)
    try:
        yield metric
    finally:
        if previous is None:
            metric_registry._REGISTRY.pop(name, None)
        else:
            metric_registry._REGISTRY[name] = previous


def make_system(*, year=YEAR, quota=30, publish=True, metric=TEST_METRIC, name=None) -> IndicatorSystem:
    system = IndicatorSystem.objects.create(
        year=year, name=name or f"{year}年四强党支部指标体系", top_quota_percent=quota, review_margin=Decimal("2")
    )
    dims = [
        Dimension.objects.create(system=system, code=c, name=n, order=i)
        for i, (c, n) in enumerate([("P", "政治功能强"), ("T", "支部班子强"), ("M", "党员队伍强"), ("R", "作用发挥强")])
    ]
    rows = [
        (
            dims[0],
            "P1",
            "理论学习",
            20,
            Method.SCALE,
            {"levels": [{"name": "好", "points": 20}, {"name": "较好", "points": 15}, {"name": "一般", "points": 8}]},
        ),
        (
            dims[1],
            "T1",
            "班子建设",
            20,
            Method.CHECKLIST,
            {"items": ["按期换届", "分工明确", "述职评议", "民主生活会", "谈心谈话"], "points_per_item": 5},
        ),
        (dims[2], "M1", "三会一课", 20, Method.DEDUCTION, {"per_occurrence": 3}),
        (dims[3], "R1", "创先争优", 10, Method.BONUS, {"per_item": 4}),
        (dims[0], "P2", "重大违纪", 0, Method.VETO, {"condition": "支部班子成员发生严重违纪违法问题"}),
        (
            dims[3],
            "R2",
            "会议合规率",
            30,
            Method.COMPUTED,
            {
                "metric": metric,
                "table": [
                    {"min": 95, "max": 100, "points": 30},
                    {"min": 85, "max": 95, "points": 24},
                    {"min": 0, "max": 85, "points": 10},
                ],
            },
        ),
    ]
    for i, (dim, code, name_, mx, method, config) in enumerate(rows):
        Indicator.objects.create(
            dimension=dim,
            code=code,
            name=name_,
            max_score=Decimal(mx),
            method=method,
            config=config,
            order=i,
            required_evidence="会议记录" if method != Method.VETO else "",
        )
    for code, label, score in [("A", "四强", 90), ("B", "达标", 80), ("C", "基本达标", 70), ("D", "不达标", 0)]:
        GradeThreshold.objects.create(system=system, code=code, label=label, min_score=Decimal(score))
    if publish:
        services.publish_system(actor=audit.SYSTEM, system=system)
        system.refresh_from_db()
    return system


def open_cycle(system, root, *, name=None):
    d = datetime.date
    return services.open_cycle(
        actor=audit.SYSTEM,
        system=system,
        root=root,
        name=name or f"{system.year}年度四强党支部考评",
        opens_on=d(system.year, 11, 10),
        self_due=d(system.year, 12, 10),
        review_due=d(system.year, 12, 20),
        cutoff=d(system.year, 12, 20),
        calibration_due=d(system.year, 12, 25),
        notice_until=d(system.year, 12, 31),
        appeal_until=d(system.year, 12, 31),
    )


def open_live_cycle(system, root, *, name=None):
    """A cycle whose windows run from today (Asia/Shanghai): for pages and browser journeys, which use the clock."""
    from django.utils import timezone

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    return services.open_cycle(
        actor=audit.SYSTEM,
        system=system,
        root=root,
        name=name or f"{system.year}年度四强党支部考评",
        self_due=today + 10 * day,
        review_due=today + 20 * day,
        cutoff=today + 20 * day,
        calibration_due=today + 25 * day,
        notice_until=today + 30 * day,
        appeal_until=today + 30 * day,
    )


def advance_to(cycle, window, actor=audit.SYSTEM):
    """Close windows early, as the committee does, until ``window`` ("review" or "calibration") is open."""
    from assessment import windows

    while windows.current(cycle) != window:
        services.close_window(actor=actor, cycle=cycle)
        cycle.refresh_from_db()
    return cycle


def inputs_by_code(assessment, by_code: dict) -> dict:
    """{result_id: {"input": ..., "note": ""}} from {"P1": {...}}."""
    out = {}
    for r in assessment.results.select_related("indicator"):
        if r.indicator.code in by_code:
            out[r.pk] = {"input": by_code[r.indicator.code], "note": ""}
    return out


FULL_INPUT = {
    "P1": {"level": "好"},
    "T1": {"checked": [0, 1, 2, 3, 4]},
    "M1": {"count": 0},
    "R1": {"count": 3},
    "P2": {"triggered": False},
}
