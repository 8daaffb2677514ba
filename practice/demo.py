"""A year of party building in practice for the demo (bulk inserts; city scale stays fast).

Pairings for most units and some branches with monthly-ish joint activities, members' residential
communities and volunteer hours (mostly confirmed), each unit's 办实事 list, research topics and a few
first secretaries with quarterly reports. Outside participants are counts only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from branches.bulk import insert_rows
from branches.models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES
from branches.periods import period_containing

from .deeds.models import Deed, DeedStatus
from .pairing.models import JointActivity, Pairing
from .research.models import ResearchOutcome, ResearchTopic
from .service.models import CommunityReport, ResidenceRegistration, VolunteerService
from .village.models import FirstSecretary, VillageReport

COMMUNITIES = ["幸福社区", "和平社区", "东湖社区", "人民路社区", "新华社区", "光明社区", "青年路社区", "滨江社区"]
VILLAGES = ["南湖村", "柳树村", "石桥村", "红旗村", "杏花村", "东山村"]
PARTNERS = [
    ("community", "社区党委"),
    ("village", "村党支部"),
    ("enterprise", "公司党支部"),
    ("school", "学校党支部"),
]
ACTIVITY_TITLES = {
    "joint_study": ["联学习近平新时代中国特色社会主义思想", "联合开展党纪学习教育", "共学党章党规"],
    "theme_day": ["联合开展主题党日", "共同重温入党誓词", "联合参观红色教育基地"],
    "project": ["共建项目：老旧小区改造议事", "共建项目：农产品产销对接", "共建项目：关爱留守儿童"],
}
SERVICES = ["垃圾分类宣传", "助老服务", "文明交通劝导", "社区环境整治", "政策宣讲", "帮扶困难群众"]
DEEDS = [
    ("优化办事流程，推行一次办好", "群众办事跑多次"),
    ("老旧小区加装电梯协调", "老年人上下楼难"),
    ("开通政策咨询热线", "政策不清楚找不到人"),
    ("背街小巷路灯修缮", "夜间出行不便"),
    ("企业诉求直通车", "企业反映问题渠道不畅"),
    ("社区食堂助餐", "独居老人吃饭难"),
]


def seed(ctx) -> None:
    rng, data = ctx.rng, ctx.data
    today = timezone.localdate()
    now = timezone.now()
    year_start = today - datetime.timedelta(days=365)
    unit_orgs, branches = data["unit_orgs"], data["branches"]
    people = defaultdict(list)
    for m in data["members"]:
        if m.category in PARTY_MEMBER_CATEGORIES and m.status in ACTIVE_STATUSES:
            people[m.organization_id].append(m)
    by_unit = defaultdict(list)  # unit org -> members of its branches
    for b in branches:
        by_unit[b.parent_id].extend(people.get(b.pk, []))

    # 联学联建: most units and about a third of the branches (always the demo branch), some already ended.
    owners = [o for o in unit_orgs if rng.random() < 0.7] + [
        b for b in branches if b.pk == data["demo_branch"].pk or rng.random() < 0.3
    ]
    pairings = []
    for org in owners:
        kind, suffix = rng.choice(PARTNERS)
        ended = rng.random() < 0.08
        pairings.append(
            Pairing(
                organization_id=org.pk,
                partner_name=f"{rng.choice(COMMUNITIES)[:-2]}{suffix}",
                partner_kind=kind,
                partner_district=rng.choice(["东城区", "西城区", "高新区", "经开区"]),
                partner_contact="党群服务中心",
                start_date=year_start - datetime.timedelta(days=rng.randint(30, 400)),
                goals="组织联建、党员联管、活动联办、资源联用",
                annual_plan="每季度至少开展一次联学联建活动；年内完成一个共建项目。",
                end_date=today - datetime.timedelta(days=rng.randint(10, 60)) if ended else None,
                end_reason="结对期满" if ended else "",
                created_at=now,
            )
        )
    pairings = Pairing.objects.bulk_create(pairings, batch_size=2000)
    activities, who = [], []
    for p in pairings:
        members = people.get(p.organization_id) or by_unit.get(p.organization_id, [])
        last = p.end_date or today
        month = period_containing("month", year_start)
        while month.start <= last:
            if rng.random() < 0.35:
                day = month.start + datetime.timedelta(days=rng.randint(0, month.end.day - 1))
                if day < last:
                    kind = rng.choice(list(ACTIVITY_TITLES))
                    activities.append(
                        JointActivity(
                            pairing_id=p.pk,
                            kind=kind,
                            title=rng.choice(ACTIVITY_TITLES[kind]),
                            date=day,
                            place=p.partner_name,
                            outside_count=rng.randint(5, 40),
                            results="双方党员交流学习体会，形成共建事项清单。",
                            created_at=now,
                        )
                    )
                    who.append(rng.sample(members, min(len(members), rng.randint(3, 8))))
            month = month.next()
    activities = JointActivity.objects.bulk_create(activities, batch_size=2000)
    through = JointActivity.participants.through
    rows = {(a.pk, m.pk) for a, ms in zip(activities, who, strict=True) for m in ms}
    insert_rows(through, ["jointactivity_id", "member_id"], sorted(rows))

    # 双报到: every unit reports to a community; most members register where they live and serve.
    insert_rows(
        CommunityReport,
        ["organization_id", "community", "district", "contact", "reported_on", "created_at"],
        [(o.pk, rng.choice(COMMUNITIES), "东城区", "社区党委办公室", year_start, now) for o in unit_orgs],
    )
    residences, services = [], []
    for members in people.values():
        for m in members:
            if rng.random() > 0.75:
                continue
            community = rng.choice(COMMUNITIES)
            residences.append((m.pk, community, "", year_start + datetime.timedelta(days=rng.randint(0, 60)), now))
            for _i in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
                day = today - datetime.timedelta(days=rng.randint(1, 300))
                status = "confirmed" if rng.random() < 0.8 else "pending"
                services.append(
                    (
                        m.pk,
                        day,
                        community,
                        rng.choice(SERVICES),
                        Decimal(rng.choice(["1.5", "2", "2", "3", "4"])),
                        status,
                        "社区书记" if status == "confirmed" else "",
                        now if status == "confirmed" else None,
                        "",
                        now,
                    )
                )
    insert_rows(
        ResidenceRegistration, ["member_id", "community", "district", "registered_on", "updated_at"], residences
    )
    insert_rows(
        VolunteerService,
        [
            "member_id",
            "date",
            "community",
            "activity",
            "hours",
            "status",
            "confirmer",
            "confirmed_at",
            "note",
            "created_at",
        ],
        services,
    )

    # 我为群众办实事 and 调查研究: a list per unit for this year.
    deeds, topics = [], []
    for o in unit_orgs:
        for title, problem in rng.sample(DEEDS, rng.randint(2, 5)):
            deadline = datetime.date(today.year, rng.randint(3, 12), 28)
            roll = rng.random()
            status = (
                DeedStatus.DONE if roll < 0.55 else DeedStatus.IN_PROGRESS if roll < 0.85 else DeedStatus.NOT_STARTED
            )
            done = status == DeedStatus.DONE
            deeds.append(
                Deed(
                    organization_id=o.pk,
                    year=today.year,
                    title=title,
                    problem=problem,
                    deadline=deadline,
                    status=status,
                    result="已办结，群众反映良好。" if done else "",
                    satisfaction=rng.randint(85, 100) if done else None,
                    completed_on=min(deadline, today) if done else None,
                    published_at=now if done and rng.random() < 0.4 else None,
                    created_at=now,
                    updated_at=now,
                )
            )
        for _i in range(rng.randint(1, 2)):
            filed = rng.random() < 0.5
            topics.append(
                ResearchTopic(
                    organization_id=o.pk,
                    year=today.year,
                    title=rng.choice(["基层党建与业务融合调研", "优化营商环境调研", "机关作风建设调研"]),
                    plan="走访基层单位，召开座谈会，形成调研报告。",
                    report_filed_on=today - datetime.timedelta(days=rng.randint(1, 90)) if filed else None,
                    created_at=now,
                )
            )
    Deed.objects.bulk_create(deeds, batch_size=2000)
    topics = ResearchTopic.objects.bulk_create(topics, batch_size=2000)
    ResearchOutcome.objects.bulk_create(
        [
            ResearchOutcome(topic_id=t.pk, kind="measure", description="形成工作举措并推动落实", date=t.report_filed_on)
            for t in topics
            if t.report_filed_on
        ]
    )

    # 驻村第一书记: about one unit in five sends a cadre; quarterly reports for the quarters passed.
    postings = []
    for o in unit_orgs:
        if rng.random() < 0.2 and by_unit.get(o.pk):
            postings.append(
                FirstSecretary(
                    organization_id=o.pk,
                    member_id=rng.choice(by_unit[o.pk]).pk,
                    village=rng.choice(VILLAGES),
                    township="清水镇",
                    term_start=year_start,
                    term_end=year_start + datetime.timedelta(days=730),
                    created_at=now,
                )
            )
    postings = FirstSecretary.objects.bulk_create(postings)
    reports = []
    for p in postings:
        quarter = period_containing("quarter", p.term_start)
        while quarter.end < today:
            if rng.random() < 0.85:
                reports.append(
                    VillageReport(
                        posting_id=p.pk,
                        quarter=quarter.key,
                        content="走访农户，推动产业项目，帮助解决群众急难愁盼问题。",
                        filed_on=min(quarter.end + datetime.timedelta(days=5), today),
                    )
                )
            quarter = quarter.next()
    VillageReport.objects.bulk_create(reports)
    ctx.log(
        f"  practice: {len(pairings)} pairings, {len(activities)} joint activities, {len(services)} service records, "
        f"{len(deeds)} deeds, {len(topics)} research topics, {len(postings)} first secretaries"
    )
