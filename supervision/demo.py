"""Demo data for supervision: a year of tasks, findings across categories, rectifications in
every state and some cards. Bulk inserts; deterministic from ``ctx.rng``."""

import datetime

from django.utils import timezone

from .calendar import WorkCalendar
from .models import (
    Card,
    EscalationRule,
    Finding,
    FindingCategory,
    ProgressReport,
    Recheck,
    Rectification,
    StageReport,
    SupervisionTask,
    TaskKind,
    TaskTarget,
)

TITLES = {
    TaskKind.ROUTINE: "{month}月党建工作责任制落实情况常规督查",
    TaskKind.SPECIAL: "“三会一课”制度执行情况专项督查（{month}月）",
    TaskKind.LOOKBACK: "巡察整改落实情况“回头看”（{month}月）",
    TaskKind.SELF_INSPECTION: "党费收缴使用管理自查自纠（{month}月）",
    TaskKind.CENTRAL_DECISION: "贯彻落实中央重大决策部署督查（{month}月）",
}
PROBLEMS = {
    "政治建设": ["第一议题学习落实不到位", "重大事项请示报告不及时"],
    "思想建设": ["理论学习中心组学习流于形式", "学习笔记内容空泛"],
    "组织建设": ["三会一课记录不全", "党费收缴不及时", "发展党员程序不规范", "支部换届超期"],
    "作风建设": ["调查研究不深入", "文山会海问题反弹"],
    "纪律建设": ["廉政风险点排查不全面", "警示教育开展次数不足"],
    "制度建设": ["制度汇编未及时更新", "议事规则执行不严"],
}
MEASURES = ["逐项补齐记录并建立台账", "召开专题会议研究整改", "完善制度并组织学习", "明确责任人限期完成"]


def seed(ctx):
    rng, data = ctx.rng, ctx.data
    users, branches = data["users"], data["branches"]
    committee, inspector = users["committee"], users["inspector"]
    root, demo_branch = data["root"], data["demo_branch"]
    today = timezone.localdate()
    now = timezone.now()
    cal = WorkCalendar()
    categories = {c.name: c for c in FindingCategory.objects.all()}
    kinds = list(TaskKind.values)
    per_task = max(3, min(len(branches) // 4, 40))

    def at(day, hour=10):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    # Two tasks a month for the past year, the last ones still running.
    tasks = []
    for i in range(24):
        issued = today - datetime.timedelta(days=365 - i * 15)
        kind = kinds[i % len(kinds)]
        deadline = cal.add_working_days(issued, 20)
        status = SupervisionTask.Status.CLOSED if deadline < today - datetime.timedelta(days=30) else "issued"
        tasks.append(
            SupervisionTask(
                title=TITLES[kind].format(month=issued.month),
                kind=kind,
                organization=root,
                basis=f"市直机关工委〔{issued.year}〕{10 + i}号",
                requirements="请各党组织对照要求逐项自查，按时报送情况报告和佐证材料。",
                deadline=deadline,
                status=status,
                issued_at=at(issued),
                created_by=committee,
            )
        )
    tasks.append(
        SupervisionTask(
            title="基层党组织标准化规范化建设督查",
            kind=TaskKind.SPECIAL,
            organization=root,
            basis=f"市直机关工委〔{today.year}〕30号",
            requirements="请于截止日前签收并报送自查报告。",
            deadline=cal.add_working_days(today, 8),
            status="issued",
            issued_at=now,
            created_by=committee,
        )
    )
    tasks = SupervisionTask.objects.bulk_create(tasks)
    SupervisionTask.inspectors.through.objects.bulk_create(
        [SupervisionTask.inspectors.through(supervisiontask_id=t.pk, user_id=inspector.pk) for t in tasks]
    )

    targets = []
    for task in tasks:
        chosen = rng.sample(branches, min(per_task, len(branches)))
        if demo_branch not in chosen and (task is tasks[-1] or rng.random() < 0.5):
            chosen[0] = demo_branch
        past = task.deadline < today
        for org in chosen:
            status = "completed" if past and rng.random() < 0.85 else rng.choice(["pending", "acknowledged"])
            if task is tasks[-1]:
                status = "pending"
            targets.append(
                TaskTarget(
                    task=task,
                    organization=org,
                    status=status,
                    acknowledged_at=None if status == "pending" else task.issued_at + datetime.timedelta(days=1),
                )
            )
    targets = TaskTarget.objects.bulk_create(targets, batch_size=2000)
    task_by_id = {t.pk: t for t in tasks}

    reports = [
        StageReport(
            target=t,
            stage=stage,
            content="已按要求完成，情况详见报告。",
            evidence="会议记录、学习签到表",
            status="accepted",
            submitted_at=task_by_id[t.task_id].issued_at + datetime.timedelta(days=5),
            reviewed_by=inspector,
            reviewed_at=task_by_id[t.task_id].issued_at + datetime.timedelta(days=7),
        )
        for t in targets
        if t.status == "completed"
        for stage in task_by_id[t.task_id].stages
    ]
    StageReport.objects.bulk_create(reports, batch_size=2000)

    # Findings on about a third of the reported targets, across every category.
    findings = []
    earlier: dict = {}
    for t in targets:
        task = task_by_id[t.task_id]
        if t.status == "pending" or rng.random() > 0.35:
            continue
        for _n in range(rng.randint(1, 2)):
            category = rng.choice(list(categories))
            severity = rng.choices(["general", "major", "serious"], weights=[6, 3, 1])[0]
            repeat = earlier.get((t.organization_id, category))
            f = Finding(
                target=t,
                category=categories[category],
                severity=severity,
                description=rng.choice(PROBLEMS.get(category, ["问题"])),
                evidence="查阅台账、个别谈话",
                recorded_by=inspector,
                recorded_at=task.issued_at + datetime.timedelta(days=rng.randint(8, 15)),
            )
            f._repeat_key = repeat
            findings.append(f)
            if repeat is None or repeat[1] != task.pk:
                earlier[(t.organization_id, category)] = (f, task.pk)
    findings = Finding.objects.bulk_create(findings, batch_size=2000)
    for f in findings:
        key = f._repeat_key
        if key is not None and key[0].pk != f.pk and key[1] != f.target.task_id:
            f.repeat_of_id = key[0].pk
    Finding.objects.bulk_update([f for f in findings if f.repeat_of_id], ["repeat_of"], batch_size=2000)

    # One rectification per finding; the state follows its age, with some late ones.
    S = Rectification.Status
    rects = []
    for f in findings:
        recorded = f.recorded_at.date()
        deadline = cal.add_working_days(recorded, rng.choice([10, 15, 20, 30]))
        if deadline < today - datetime.timedelta(days=20):
            status = S.CLOSED if rng.random() < 0.9 else rng.choice([S.IN_PROGRESS, S.RECHECK])
        else:
            status = rng.choice([S.AWAITING_PLAN, S.PLAN_PROPOSED, S.IN_PROGRESS, S.IN_PROGRESS, S.RECHECK, S.CLOSED])
        closed_at = None
        if status == S.CLOSED:
            closed_day = deadline + datetime.timedelta(days=rng.choice([-8, -5, -3, -1, 0, 2, 6]))
            closed_at = at(min(max(closed_day, recorded + datetime.timedelta(days=1)), today))
        rects.append(
            Rectification(
                finding=f,
                owner_org_id=f.target.organization_id,
                measures=rng.choice(MEASURES) + "：" + f.description,
                plan="" if status == S.AWAITING_PLAN else "成立整改小组，明确时间表和责任人。",
                deadline=deadline,
                effective_deadline=deadline,
                status=status,
                plan_accepted_at=None if status in (S.AWAITING_PLAN, S.PLAN_PROPOSED) else at(recorded),
                failed_rechecks=1 if status == S.IN_PROGRESS and rng.random() < 0.15 else 0,
                closed_at=closed_at,
            )
        )
    # The demo branch's secretary has a plan to propose and a rectification to carry out (我的待办), due ahead.
    mine = [r for r in rects if r.owner_org_id == demo_branch.pk]
    for r, status in zip(mine, (S.AWAITING_PLAN, S.IN_PROGRESS), strict=False):
        r.status, r.closed_at, r.failed_rechecks = status, None, 0
        r.deadline = r.effective_deadline = cal.add_working_days(today, 15)
        r.plan = "" if status == S.AWAITING_PLAN else "成立整改小组，明确时间表和责任人。"
        r.plan_accepted_at = None if status == S.AWAITING_PLAN else at(r.finding.recorded_at.date())
    rects = Rectification.objects.bulk_create(rects, batch_size=2000)
    progress, rechecks = [], []
    for r in rects:
        if r.status in (S.IN_PROGRESS, S.RECHECK, S.CLOSED) and r.plan_accepted_at:
            progress.append(
                ProgressReport(
                    rectification=r,
                    content="已完成主要整改措施。",
                    evidence="整改台账",
                    reported_at=r.plan_accepted_at + datetime.timedelta(days=3),
                )
            )
        if r.status == S.CLOSED:
            rechecks.append(
                Recheck(rectification=r, passed=True, method="查阅台账", checked_by=inspector, checked_at=r.closed_at)
            )
        if r.failed_rechecks:
            rechecks.append(
                Recheck(
                    rectification=r,
                    passed=False,
                    method="实地查看",
                    notes="整改不到位",
                    checked_by=inspector,
                    checked_at=r.plan_accepted_at + datetime.timedelta(days=5),
                )
            )
    ProgressReport.objects.bulk_create(progress, batch_size=2000)
    Recheck.objects.bulk_create(rechecks, batch_size=2000)

    # Cards: what the policy gives today for late and failed items (bulk, like the sweep's result).
    rules = {r.code: r for r in EscalationRule.objects.all()}
    cards = []
    for r in rects:
        if r.status == S.CLOSED:
            continue
        late = cal.working_days_between(r.effective_deadline, today)
        issued_at = at(cal.add_working_days(r.effective_deadline, 1)) if late else None
        if late >= 1:
            cards.append(("overdue-1", r, issued_at, f"整改逾期{late}个工作日：{r.measures[:40]}"))
        if late >= 5:
            cards.append(("overdue-5", r, at(cal.add_working_days(r.effective_deadline, 5)), "整改逾期超过5个工作日"))
        if r.failed_rechecks:
            cards.append(("recheck-failed", r, r.plan_accepted_at + datetime.timedelta(days=5), "整改复核未通过"))
    Card.objects.bulk_create(
        [
            Card(
                rule=rules[code],
                colour=rules[code].colour,
                organization_id=r.owner_org_id,
                rectification=r,
                reason=reason,
                issued_at=min(issued, now),
            )
            for code, r, issued, reason in cards
        ],
        batch_size=2000,
    )
    ctx.log(
        f"  supervision: {len(tasks)} tasks, {len(targets)} targets, {len(findings)} findings, "
        f"{len(rects)} rectifications, {len(cards)} cards"
    )

    from .accountability.demo import seed as seed_accountability
    from .campaigns.demo import seed as seed_campaigns

    seed_accountability(ctx)
    seed_campaigns(ctx)
