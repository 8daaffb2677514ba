"""Demo data for the ground floor: units, the tree, accounts and the member register.

Bulk inserts throughout, so the ``city`` and ``province`` scales load quickly.
The objects other apps need are left in ``ctx.data``:
``root``, ``units``, ``unit_orgs``, ``branches``, ``groups``, ``members``,
``users`` (demo accounts by username), ``demo_branch``, ``demo_unit_org``, ``sibling_branch``.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from . import idnumbers
from .crypto import blind_index
from .models import Member, MemberCategory, MemberStatus, Organization, OrganizationKind, RoleGrant, Unit
from .models.tree import path_for
from .roles import Role
from .rules import add_months

DEMO_PASSWORD = "Demo-2026-pass"  # nosec B105: published demo password, README demo section only
DEMO_PASSWORD = "Demo-2026-pass"  # nosec B105: public demo password, documented in the README; seed_demo refuses production

UNIT_NAMES = [
    "市财政局",
    "市教育局",
    "市发展和改革委员会",
    "市卫生健康委员会",
    "市住房和城乡建设局",
    "市交通运输局",
    "市农业农村局",
    "市商务局",
    "市文化和旅游局",
    "市自然资源和规划局",
    "市生态环境局",
    "市人力资源和社会保障局",
    "市民政局",
    "市司法局",
    "市审计局",
    "市统计局",
    "市应急管理局",
    "市市场监督管理局",
    "市医疗保障局",
    "市退役军人事务局",
    "市水利局",
    "市工业和信息化局",
    "市科学技术局",
    "市林业局",
    "市体育局",
    "市信访局",
    "市政务服务管理局",
    "市国有资产监督管理委员会",
    "市机关事务管理局",
    "市档案馆",
    "市地方志办公室",
    "市投资促进局",
    "市数据局",
    "市城市管理局",
    "市粮食和物资储备局",
    "市人民防空办公室",
    "市总工会",
    "共青团市委",
    "市妇女联合会",
    "市科学技术协会",
    "市文学艺术界联合会",
    "市残疾人联合会",
    "市工商业联合会",
    "市红十字会",
    "市供销合作社",
    "市公共资源交易中心",
    "市住房公积金管理中心",
    "市社会保险服务中心",
    "市不动产登记中心",
    "市疾病预防控制中心",
    "市气象局",
    "市税务局",
    "市烟草专卖局",
    "市邮政管理局",
    "市通信管理办公室",
    "市金融工作办公室",
    "市乡村振兴局",
    "市营商环境建设局",
    "市大数据中心",
    "市融媒体中心",
]
BRANCH_NAMES = [
    "办公室党支部",
    "机关第一党支部",
    "机关第二党支部",
    "机关第三党支部",
    "规划财务科党支部",
    "政策法规科党支部",
    "综合业务科党支部",
    "人事教育科党支部",
    "离退休干部党支部",
    "直属事业单位党支部",
    "监督检查科党支部",
    "信息中心党支部",
    "执法支队党支部",
    "服务中心党支部",
    "机关第四党支部",
    "机关第五党支部",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文辉俊宇浩然欣怡子涵梓轩晨曦雨萱思远佳琪"
EDUCATION = ["研究生", "大学本科", "大学本科", "大学本科", "大学专科", "高中"]
ETHNICITY = ["汉族"] * 18 + ["回族", "满族", "蒙古族", "壮族"]
JOBS = [
    "科员",
    "副主任科员",
    "主任科员",
    "四级主任科员",
    "三级主任科员",
    "副科长",
    "科长",
    "副处长",
    "处长",
    "工作人员",
]
AREA_CODES = ["110101", "110105", "120103", "130102", "140105", "410102", "430102", "440106", "510104", "610113"]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _id_number(rng, birth: datetime.date, serial: int) -> str:
    return idnumbers.make(f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{serial % 1000:03d}")


def _create_orgs(rows: list[tuple[Organization, Organization | None]]) -> list[Organization]:
    """Bulk-create organisations, then set their materialised paths."""
    orgs = Organization.objects.bulk_create([org for org, _parent in rows])
    for org, parent in zip(orgs, [p for _o, p in rows], strict=True):
        org.path = path_for(parent, org.pk)
        org.depth = parent.depth + 1 if parent else 0
    Organization.objects.bulk_update(orgs, ["path", "depth"], batch_size=1000)
    return orgs


def seed(ctx) -> None:
    rng, size = ctx.rng, ctx.size
    today = datetime.date.today()
    User = get_user_model()

    root = _create_orgs([(Organization(name="市直机关工委", kind=OrganizationKind.COMMITTEE), None)])[0]

    unit_count = size["units"]
    names = [UNIT_NAMES[i] if i < len(UNIT_NAMES) else f"市直单位{i + 1:03d}" for i in range(unit_count)]
    units = Unit.objects.bulk_create(
        [Unit(name=n, short_name=n.removeprefix("市")[:8], order=i) for i, n in enumerate(names)]
    )
    unit_orgs = _create_orgs(
        [
            (
                Organization(
                    name=f"{u.name}机关党委",
                    kind=OrganizationKind.PARTY_COMMITTEE,
                    unit=u,
                    order=i,
                    parent=root,
                    term_start=today.replace(year=today.year - 3 - i % 3),
                    term_end=today.replace(year=today.year + 2 - i % 3) + datetime.timedelta(days=40 * (i % 4)),
                ),
                root,
            )
            for i, u in enumerate(units)
        ]
    )

    # Branches: spread over units, the first unit gets at least three so the demo has siblings.
    per_unit = [max(1, size["branches"] // unit_count)] * unit_count
    for i in range(size["branches"] - sum(per_unit)):
        per_unit[i % unit_count] += 1
    branch_rows = []
    for unit_index, (unit, unit_org) in enumerate(zip(units, unit_orgs, strict=True)):
        for j in range(max(per_unit[unit_index], 3 if unit_index == 0 else 1)):
            base = BRANCH_NAMES[j % len(BRANCH_NAMES)]
            name = base if j < len(BRANCH_NAMES) else f"机关第{j + 1}党支部"
            # Terms: most current, some expiring within six months, a few overdue.
            roll = rng.random()
            if roll < 0.1:
                end = today - datetime.timedelta(days=rng.randint(10, 200))
            elif roll < 0.3:
                end = today + datetime.timedelta(days=rng.randint(10, 180))
            else:
                end = today + datetime.timedelta(days=rng.randint(200, 1000))
            try:
                start = end.replace(year=end.year - 3)
            except ValueError:  # 29 February (province scale draws one)
                start = end.replace(year=end.year - 3, day=28)
            branch_rows.append(
                (
                    Organization(
                        name=name,
                        kind=OrganizationKind.BRANCH,
                        unit=unit,
                        parent=unit_org,
                        order=j,
                        term_start=start,
                        term_end=end,
                    ),
                    unit_org,
                )
            )
    branches = _create_orgs(branch_rows)
    # Party groups under roughly a third of the branches (always under the demo branch).
    group_rows = []
    for i, branch in enumerate(branches):
        if i == 0 or i % 3 == 0:
            for g in range(2):
                group_rows.append(
                    (
                        Organization(
                            name=f"第{'一二'[g]}党小组",
                            kind=OrganizationKind.GROUP,
                            unit=branch.unit,
                            parent=branch,
                            order=g,
                        ),
                        branch,
                    )
                )
    groups = _create_orgs(group_rows)
    groups_by_branch: dict[int, list[Organization]] = {}
    for g in groups:
        groups_by_branch.setdefault(g.parent_id, []).append(g)

    # Members: spread over branches; categories weighted like a real register.
    member_total = size["members"]
    per_branch = [member_total // len(branches)] * len(branches)
    for i in range(member_total - sum(per_branch)):
        per_branch[i % len(branches)] += 1
    members = []
    used_ids: set[str] = set()
    serial = 0
    for branch, count in zip(branches, per_branch, strict=True):
        branch_groups = groups_by_branch.get(branch.pk, [])
        for k in range(count):
            serial += 1
            birth = datetime.date(rng.randint(1962, 2001), rng.randint(1, 12), rng.randint(1, 28))
            roll = rng.random()
            if k < 3 or roll < 0.84:
                category = MemberCategory.FULL
            elif roll < 0.89:
                category = MemberCategory.PROBATIONARY
            elif roll < 0.93:
                category = MemberCategory.CANDIDATE
            elif roll < 0.97:
                category = MemberCategory.ACTIVIST
            else:
                category = MemberCategory.APPLICANT
            join = None
            full = None
            if category in (MemberCategory.FULL, MemberCategory.PROBATIONARY):
                earliest = birth.replace(year=birth.year + 20)
                if category == MemberCategory.PROBATIONARY:
                    join = today - datetime.timedelta(days=rng.randint(30, 360))
                else:
                    span = max(1, (today - earliest).days - 400)
                    join = earliest + datetime.timedelta(days=rng.randint(0, span))
                    full = add_months(join, 12)  # 转正日期: probation ends (党章 第七条)
            id_number = _id_number(rng, birth, serial)
            while id_number in used_ids:  # same area, birth date and sequence: take the next sequence
                serial += 1000
                id_number = idnumbers.make(f"{id_number[:14]}{(int(id_number[14:17]) + 1) % 1000:03d}")
            used_ids.add(id_number)
            members.append(
                Member(
                    organization=branch,
                    party_group=branch_groups[k % len(branch_groups)] if branch_groups else None,
                    name=_name(rng),
                    gender=rng.choice(["male", "male", "female"]),
                    ethnicity=rng.choice(ETHNICITY),
                    birth_date=birth,
                    id_number=id_number,
                    id_number_hash=blind_index(id_number),
                    phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                    education=rng.choice(EDUCATION),
                    unit=branch.unit,
                    job_title=rng.choice(JOBS),
                    join_date=join,
                    full_date=full,
                    category=category,
                    status=MemberStatus.NORMAL if rng.random() > 0.02 else MemberStatus.MOBILE,
                )
            )
    members = Member.objects.bulk_create(members, batch_size=2000)

    # Demo accounts (CONTRACT.md). The secretary and member sit in the first unit's first branch.
    password = make_password(DEMO_PASSWORD)
    demo_unit_org, demo_branch, sibling_branch = unit_orgs[0], branches[0], branches[1]
    branch_members = [m for m in members if m.organization_id == demo_branch.pk]
    accounts = {
        "committee": ("工委组织部 王主任", [(root, Role.COMMITTEE_STAFF, True)]),
        "inspector": ("督查员 赵督查", [(root, Role.INSPECTOR, True)]),
        "unitadmin": ("机关党委 刘书记", [(demo_unit_org, Role.UNIT_ADMIN, True)]),
        "secretary": (branch_members[0].name, [(demo_branch, Role.SECRETARY, True)]),
        "member": (branch_members[1].name, [(demo_branch, Role.MEMBER, False)]),
    }
    users = {}
    grants = []
    for username, (full_name, roles) in accounts.items():
        user = User.objects.create(username=username, full_name=full_name, password=password)
        users[username] = user
        grants.extend(RoleGrant(user=user, organization=o, role=r, include_subtree=s) for o, r, s in roles)
    # Everyone on a branch committee also holds the member role.
    grants.append(RoleGrant(user=users["secretary"], organization=demo_branch, role=Role.MEMBER, include_subtree=False))
    RoleGrant.objects.bulk_create(grants)
    sysadmin = User.objects.create(
        username="sysadmin", full_name="系统管理员", password=password, is_staff=True, is_superuser=True
    )
    users["sysadmin"] = sysadmin
    secretary_member, member_member = branch_members[0], branch_members[1]
    secretary_member.user, member_member.user = users["secretary"], users["member"]
    secretary_member.category = member_member.category = MemberCategory.FULL
    Member.objects.bulk_update([secretary_member, member_member], ["user", "category"])

    ctx.data.update(
        root=root,
        units=units,
        unit_orgs=unit_orgs,
        branches=branches,
        groups=groups,
        members=members,
        users=users,
        demo_branch=demo_branch,
        demo_unit_org=demo_unit_org,
        sibling_branch=sibling_branch,
    )
    ctx.log(f"  tree: {len(units)} units, {len(branches)} branches, {len(groups)} groups, {len(members)} people")
    _seed_register(ctx, today)

    from .meetings.demo import seed as seed_meetings

    seed_meetings(ctx)

    from .memberfile.demo import seed as seed_memberfile

    seed_memberfile(ctx)


# --- The register: terms, committees, development, transfers (all bulk) -------------


def _seed_register(ctx, today: datetime.date) -> None:
    from .models import (
        CommitteePosition,
        CommitteeSeat,
        DevelopmentStep,
        EventKind,
        MemberEvent,
        StepKind,
        Term,
        TermChange,
        Transfer,
        TransferScope,
        TransferStatus,
    )
    from .rules import add_months

    rng = ctx.rng
    data = ctx.data
    members = data["members"]
    demo_branch = data["demo_branch"]

    # The demo branch shows every stage of the pipeline.
    demo_people = [m for m in members if m.organization_id == demo_branch.pk]
    stages = [
        MemberCategory.APPLICANT,
        MemberCategory.ACTIVIST,
        MemberCategory.CANDIDATE,
        MemberCategory.PROBATIONARY,
        MemberCategory.PROBATIONARY,
    ]
    changed = []
    for person, category in zip(demo_people[5:10], stages, strict=False):
        person.category = category
        person.full_date = None
        person.join_date = None
        changed.append(person)
    Member.objects.bulk_update(changed, ["category", "full_date", "join_date"])

    # Terms: one current term per organisation with a term end, numbered, with an election record.
    by_org: dict[int, list[Member]] = {}
    for m in members:
        by_org.setdefault(m.organization_id, []).append(m)
    orgs = [o for o in [*data["unit_orgs"], *data["branches"]] if o.term_end]
    terms = []
    for org in orgs:
        people = by_org.get(org.pk, [])
        expected = len([p for p in people if p.category in (MemberCategory.FULL, MemberCategory.PROBATIONARY)]) or None
        change = TermChange.REGULAR if rng.random() > 0.08 else TermChange.LATE
        terms.append(
            Term(
                organization=org,
                number=rng.randint(2, 8),
                start=org.term_start,
                end=org.term_end,
                election_date=org.term_start,
                expected_voters=expected,
                present_voters=max(0, expected - rng.randint(0, 2)) if expected else None,
                change=change,
                approval_reference=f"机关党委〔{org.term_start.year}〕{rng.randint(1, 60)}号"
                if change != "regular"
                else "",
                approval_date=org.term_start - datetime.timedelta(days=20) if change != "regular" else None,
            )
        )
    terms = Term.objects.bulk_create(terms, batch_size=1000)
    term_by_org = {t.organization_id: t for t in terms}

    # Committees: a secretary everywhere; a full committee where the branch has ≥ 7 full members.
    positions = {p.code: p for p in CommitteePosition.objects.all()}
    seats = []
    events = []
    for branch in data["branches"]:
        term = term_by_org.get(branch.pk)
        if term is None:
            continue
        full = [p for p in by_org.get(branch.pk, []) if p.category == MemberCategory.FULL]
        if branch.pk == demo_branch.pk:
            full = [demo_people[0]] + [p for p in full if p.pk != demo_people[0].pk]
        codes = ["secretary"]
        if len(full) >= 7:
            codes += ["organization", "propaganda", "discipline"]
        elif len(full) >= 4 and rng.random() < 0.5:
            codes += ["deputy_secretary"]
        if rng.random() < 0.05 and branch.pk != demo_branch.pk:
            codes = []  # a few branches have no committee recorded: the warning shows
        for code, person in zip(codes, full, strict=False):
            seats.append(
                CommitteeSeat(
                    term=term, member=person, position=positions[code], start=term.start, votes=term.present_voters
                )
            )
            events.append(
                MemberEvent(
                    member=person,
                    kind=EventKind.POSITION_START,
                    date=term.start,
                    detail=f"{branch.name} {positions[code].name}",
                    organization=branch,
                    actor_name="demo",
                )
            )
    CommitteeSeat.objects.bulk_create(seats, batch_size=2000)

    # Development: steps consistent with each person's category; some talks and approvals overdue.
    steps = []
    plan = {
        MemberCategory.APPLICANT: [StepKind.APPLICATION, StepKind.TALK],
        MemberCategory.ACTIVIST: [StepKind.APPLICATION, StepKind.TALK, StepKind.ACTIVIST],
        MemberCategory.CANDIDATE: [StepKind.APPLICATION, StepKind.TALK, StepKind.ACTIVIST, StepKind.CANDIDATE],
        MemberCategory.PROBATIONARY: [
            StepKind.APPLICATION,
            StepKind.TALK,
            StepKind.ACTIVIST,
            StepKind.CANDIDATE,
            StepKind.PUBLIC_NOTICE,
            StepKind.ADMISSION,
            StepKind.APPROVAL,
        ],
    }
    gaps = {
        StepKind.TALK: (7, 25),
        StepKind.ACTIVIST: (60, 200),
        StepKind.CANDIDATE: (370, 450),
        StepKind.PUBLIC_NOTICE: (20, 60),
        StepKind.ADMISSION: (15, 30),  # after the 5-working-day 公示, holidays included
        StepKind.APPROVAL: (20, 80),
    }
    join_updates = []
    for person in members:
        kinds = plan.get(person.category)
        if not kinds:
            continue
        if person.category == MemberCategory.PROBATIONARY:
            admission = today - datetime.timedelta(days=rng.randint(20, 350))
            total = sum(gaps[k][1] for k in kinds[1:6])
            day = admission - datetime.timedelta(days=total)
        else:
            # Start early enough that every step of the person's stage fits before today.
            back = {
                MemberCategory.APPLICANT: (10, 120),
                MemberCategory.ACTIVIST: (240, 700),
                MemberCategory.CANDIDATE: (700, 1000),
            }[person.category]
            day = today - datetime.timedelta(days=rng.randint(*back))
        dated = []
        for i, kind in enumerate(kinds):
            if i:
                low, high = gaps[kind]
                day = day + datetime.timedelta(days=rng.randint(low, high))
            if day > today:
                break
            if kind == StepKind.TALK and rng.random() < 0.15:
                continue  # talk not yet held: overdue once a month has passed
            if kind == StepKind.APPROVAL and rng.random() < 0.2:
                continue  # approval not yet recorded
            dated.append((kind, day))
        for kind, when in dated:
            steps.append(DevelopmentStep(member=person, kind=kind, date=when, note=""))
            events.append(
                MemberEvent(
                    member=person,
                    kind=EventKind.DEVELOPMENT,
                    date=when,
                    detail=str(StepKind(kind).label),
                    organization_id=person.organization_id,
                    actor_name="demo",
                )
            )
            if kind == StepKind.ADMISSION:
                person.join_date = when
                join_updates.append(person)
    DevelopmentStep.objects.bulk_create(steps, batch_size=5000)
    Member.objects.bulk_update(join_updates, ["join_date"], batch_size=2000)

    # Transfers: a few per scale, some open (one into the demo branch), some accepted, some expired.
    branches = data["branches"]
    movers = [
        m for m in members if m.category == MemberCategory.FULL and m.user_id is None and m not in demo_people[:2]
    ]
    count = max(6, len(members) // 200)
    letters = []
    for i, person in enumerate(rng.sample(movers, min(count, len(movers)))):
        target = rng.choice(branches)
        if target.pk == person.organization_id:
            continue
        issued = today - datetime.timedelta(days=rng.randint(1, 200))
        scope = TransferScope.IN_PROVINCE if rng.random() < 0.8 else TransferScope.CROSS_PROVINCE
        expires = add_months(issued, 3 if scope == TransferScope.IN_PROVINCE else 6)
        status = TransferStatus.ISSUED if expires >= today else TransferStatus.EXPIRED
        if i % 3 == 0 and status == TransferStatus.ISSUED:
            status = TransferStatus.REJECTED
        if i == 0:
            target, status, issued = demo_branch, TransferStatus.ISSUED, today - datetime.timedelta(days=3)
            expires = add_months(issued, 3)
        letters.append(
            Transfer(
                member=person,
                from_org_id=person.organization_id,
                to_org=target,
                scope=scope,
                letter_number=f"转字〔{issued.year}〕{i + 1:04d}号",
                issued_on=issued,
                expires_on=expires,
                status=status,
                reason="工作调动",
                decision_reason="材料不全，请补充后重新开具" if status == TransferStatus.REJECTED else "",
            )
        )
        events.append(
            MemberEvent(
                member=person,
                kind=EventKind.TRANSFER_OUT,
                date=issued,
                detail=f"→ {target.name}",
                organization_id=person.organization_id,
                actor_name="demo",
            )
        )
    Transfer.objects.bulk_create(letters)
    MemberEvent.objects.bulk_create(events, batch_size=5000)
    ctx.log(
        f"  register: {len(terms)} terms, {len(seats)} committee seats, {len(steps)} development steps, "
        f"{len(letters)} transfers"
    )
