"""Demo data for study and training: modules on the 20th Congress report and the Party
Constitution with readings and quizzes, assignments in progress, classes with attendance,
lectures and a few claims. Bulk inserts throughout so ``--scale city`` loads quickly.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from branches.bulk import insert_rows
from branches.models import Member

from .models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    Audience,
    Choice,
    ClaimEvidence,
    ClassSession,
    Enrollment,
    HoursClaim,
    HoursEntry,
    HoursSource,
    ItemKind,
    ItemProgress,
    Lecture,
    Question,
    QuestionKind,
    StudyItem,
    StudyModule,
    TrainingClass,
)

REPORT_PARTS = [
    (
        "报告原文（一）：过去五年的工作和新时代十年的伟大变革",
        "<h3>一、过去五年的工作和新时代十年的伟大变革</h3>"
        "<p>党的十九大以来的五年，是极不寻常、极不平凡的五年。党中央统筹中华民族伟大复兴战略全局和世界百年未有之大变局，"
        "召开七次全会，分别就宪法修改，深化党和国家机构改革，坚持和完善中国特色社会主义制度、推进国家治理体系和治理能力现代化，"
        "制定“十四五”规划和二〇三五年远景目标，全面总结党的百年奋斗重大成就和历史经验等重大问题作出决定和决议。</p>"
        "<p>十年来，我们经历了对党和人民事业具有重大现实意义和深远历史意义的三件大事：一是迎来中国共产党成立一百周年，"
        "二是中国特色社会主义进入新时代，三是完成脱贫攻坚、全面建成小康社会的历史任务，实现第一个百年奋斗目标。</p>",
    ),
    (
        "报告原文（二）：开辟马克思主义中国化时代化新境界",
        "<h3>二、开辟马克思主义中国化时代化新境界</h3>"
        "<p>马克思主义是我们立党立国、兴党兴国的根本指导思想。实践告诉我们，中国共产党为什么能，中国特色社会主义为什么好，"
        "归根到底是马克思主义行，是中国化时代化的马克思主义行。</p>"
        "<p>继续推进实践基础上的理论创新，首先要把握好新时代中国特色社会主义思想的世界观和方法论，坚持好、运用好贯穿其中的立场观点方法："
        "必须坚持人民至上，必须坚持自信自立，必须坚持守正创新，必须坚持问题导向，必须坚持系统观念，必须坚持胸怀天下。</p>",
    ),
    (
        "报告原文（三）：新时代新征程中国共产党的使命任务",
        "<h3>三、新时代新征程中国共产党的使命任务</h3>"
        "<p>从现在起，中国共产党的中心任务就是团结带领全国各族人民全面建成社会主义现代化强国、实现第二个百年奋斗目标，"
        "以中国式现代化全面推进中华民族伟大复兴。</p>"
        "<p>中国式现代化，是中国共产党领导的社会主义现代化，既有各国现代化的共同特征，更有基于自己国情的中国特色。"
        "中国式现代化是人口规模巨大的现代化，是全体人民共同富裕的现代化，是物质文明和精神文明相协调的现代化，"
        "是人与自然和谐共生的现代化，是走和平发展道路的现代化。</p>",
    ),
]

REPORT_QUESTIONS = [
    (
        QuestionKind.SINGLE,
        "中国共产党第二十次全国代表大会于哪一年召开？",
        [("2022年", True), ("2021年", False), ("2023年", False)],
        "党的二十大于2022年10月16日至22日在北京召开。",
    ),
    (
        QuestionKind.SINGLE,
        "从现在起，中国共产党的中心任务是什么？",
        [
            (
                "团结带领全国各族人民全面建成社会主义现代化强国、实现第二个百年奋斗目标，以中国式现代化全面推进中华民族伟大复兴",
                True,
            ),
            ("全面建成小康社会", False),
            ("完成脱贫攻坚", False),
        ],
        "见报告第三部分。",
    ),
    (
        QuestionKind.MULTIPLE,
        "报告指出，新时代十年经历的三件大事包括：",
        [
            ("迎来中国共产党成立一百周年", True),
            ("中国特色社会主义进入新时代", True),
            ("完成脱贫攻坚、全面建成小康社会的历史任务", True),
            ("召开第一届全国人民代表大会", False),
        ],
        "见报告第一部分。",
    ),
    (
        QuestionKind.TRUE_FALSE,
        "中国式现代化是走和平发展道路的现代化。",
        [("正确", True), ("错误", False)],
        "报告列举了中国式现代化的五个特征，其中之一是走和平发展道路的现代化。",
    ),
    (
        QuestionKind.MULTIPLE,
        "“六个必须坚持”包括：",
        [
            ("必须坚持人民至上", True),
            ("必须坚持自信自立", True),
            ("必须坚持守正创新", True),
            ("必须坚持照搬照抄", False),
        ],
        "见报告第二部分。",
    ),
    (
        QuestionKind.TRUE_FALSE,
        "马克思主义是我们立党立国、兴党兴国的根本指导思想。",
        [("正确", True), ("错误", False)],
        "见报告第二部分开篇。",
    ),
    (
        QuestionKind.SINGLE,
        "中国式现代化是哪种规模的现代化？",
        [("人口规模巨大", True), ("人口规模较小", False)],
        "中国式现代化是人口规模巨大的现代化。",
    ),
]

CONSTITUTION_PARTS = [
    (
        "党章总纲（节选）",
        "<h3>总纲</h3><p>中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队，是中国特色社会主义事业的领导核心，"
        "代表中国先进生产力的发展要求，代表中国先进文化的前进方向，代表中国最广大人民的根本利益。"
        "党的最高理想和最终目标是实现共产主义。</p>",
    ),
    (
        "第一章 党员",
        "<h3>第一章 党员</h3><p>第三条 党员必须履行下列义务：（一）认真学习马克思列宁主义、毛泽东思想、邓小平理论、"
        "“三个代表”重要思想、科学发展观、习近平新时代中国特色社会主义思想，学习党的路线、方针、政策和决议，学习党的基本知识，"
        "学习科学、文化、法律和业务知识，努力提高为人民服务的本领。</p>"
        "<p>第七条 预备党员的预备期为一年。</p>",
    ),
]

CONSTITUTION_QUESTIONS = [
    (
        QuestionKind.SINGLE,
        "党章规定，预备党员的预备期为多长时间？",
        [("一年", True), ("半年", False), ("两年", False)],
        "党章第七条：预备党员的预备期为一年。",
    ),
    (
        QuestionKind.TRUE_FALSE,
        "党的最高理想和最终目标是实现共产主义。",
        [("正确", True), ("错误", False)],
        "见党章总纲。",
    ),
    (
        QuestionKind.MULTIPLE,
        "中国共产党是哪些群体的先锋队？",
        [("中国工人阶级", True), ("中国人民", True), ("中华民族", True), ("个别利益集团", False)],
        "见党章总纲第一段。",
    ),
    (
        QuestionKind.SINGLE,
        "党章规定党员必须认真学习的内容不包括：",
        [("个人兴趣爱好", True), ("党的基本知识", False), ("党的路线、方针、政策和决议", False)],
        "见党章第三条第一项。",
    ),
]

LECTURE_TOPICS = [
    "深入学习贯彻党的二十大精神",
    "以中国式现代化全面推进中华民族伟大复兴",
    "学习贯彻新修订的《中国共产党纪律处分条例》",
    "推进模范机关建设",
    "党章学习专题宣讲",
]
SPEAKERS = ["市委宣讲团 王建国", "市委党校 李红梅", "市直机关工委 张立新", "市委宣讲团 陈晓东"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _module(root, title, description, year, parts, questions, minutes):
    module = StudyModule.objects.create(organization=root, title=title, description=description, year=year)
    items = [
        StudyItem(
            module=module,
            order=i + 1,
            kind=ItemKind.READING,
            title=t,
            body=body,
            credit_hours=Decimal("2"),
            min_minutes=minutes,
        )
        for i, (t, body) in enumerate(parts)
    ]
    items.append(
        StudyItem(
            module=module,
            order=len(parts) + 1,
            kind=ItemKind.QUIZ,
            title="学习测验",
            credit_hours=Decimal("1"),
            pass_percent=60,
            question_count=min(5, len(questions)),
            attempt_limit=3,
            time_limit_minutes=15,
        )
    )
    items = StudyItem.objects.bulk_create(items)
    quiz = items[-1]
    qs = Question.objects.bulk_create(
        [Question(item=quiz, kind=k, text=text, explanation=expl) for k, text, _c, expl in questions]
    )
    Choice.objects.bulk_create(
        [
            Choice(question=q, text=t, is_correct=ok)
            for q, (_k, _t, choices, _e) in zip(qs, questions, strict=True)
            for t, ok in choices
        ]
    )
    return module, items


def seed(ctx) -> None:
    rng = ctx.rng
    d = ctx.data
    root, members, branches = d["root"], d["members"], d["branches"]
    now = timezone.now()
    today = timezone.localdate()
    year = today.year
    start_of_year = timezone.make_aware(datetime.datetime(year, 1, 1, 9))
    committee = d["users"].get("committee")

    report, report_items = _module(
        root,
        "学习贯彻党的二十大精神",
        "原原本本学、逐字逐句学党的二十大报告，完成后参加学习测验。",
        year,
        REPORT_PARTS,
        REPORT_QUESTIONS,
        20,
    )
    constitution, constitution_items = _module(
        root,
        "《中国共产党章程》学习",
        "学习党章总纲和党员义务、权利的规定。",
        year,
        CONSTITUTION_PARTS,
        CONSTITUTION_QUESTIONS,
        15,
    )
    Audience.objects.bulk_create(
        [
            Audience(module=report, organization=root, include_subtree=True, due_days=60, created_by=committee),
            Audience(
                module=constitution,
                organization=root,
                include_subtree=True,
                due_date=today + datetime.timedelta(days=20),
                created_by=committee,
            ),
        ]
    )

    active = [m for m in members if m.status in ("normal", "mobile", "lost_contact")]
    demo_user_ids = {u.pk for u in d["users"].values()}
    assignments, progress, hours = [], [], []
    for module, items, due in (
        (report, report_items, today + datetime.timedelta(days=rng.choice([-5, 10, 30]))),
        (constitution, constitution_items, today + datetime.timedelta(days=20)),
    ):
        for m in active:
            assigned_at = start_of_year + datetime.timedelta(days=rng.randint(0, max(0, (now - start_of_year).days)))
            roll = rng.random()
            done_items = len(items) if roll < 0.55 else (rng.randint(0, len(items) - 1) if roll < 0.85 else 0)
            if m.user_id in demo_user_ids:
                done_items = 0  # the demo accounts start fresh so the journey can be shown
            completed = assigned_at + datetime.timedelta(days=3) if done_items == len(items) else None
            if completed and completed > now:
                completed = now
            assignments.append(
                Assignment(module=module, member=m, assigned_at=assigned_at, due_date=due, completed_at=completed)
            )
            for item in items[:done_items]:
                progress.append((len(assignments) - 1, item.pk, item.min_minutes * 60, assigned_at))
                rule = f"studied >= {item.min_minutes} min" if item.kind != "quiz" else "quiz pass >= 60%"
                created = min(now, assigned_at + datetime.timedelta(days=2))
                hours.append(
                    (
                        m.pk,
                        item.credit_hours,
                        year,
                        HoursSource.ITEM.value,
                        item.pk,
                        rule,
                        f"item:{m.pk}:{item.pk}",
                        created,
                    )
                )
    assignments = Assignment.objects.bulk_create(assignments, batch_size=2000)
    # The two biggest tables go in with executemany: building 150,000 model instances is the slow part.
    adapt = connection.ops.adapt_datetimefield_value
    insert_rows(
        ItemProgress,
        ["assignment_id", "item_id", "seconds", "furthest_position", "position", "last_beat_at", "completed_at"],
        [(assignments[i].pk, item_id, secs, 0, 0, adapt(at), adapt(at)) for i, item_id, secs, at in progress],
    )
    insert_rows(
        HoursEntry,
        ["member_id", "hours", "year", "source", "item_id", "rule", "credit_key", "created_at"],
        [(m, str(h), y, src, it, rule, key, adapt(at)) for m, h, y, src, it, rule, key, at in hours],
    )

    # Classes: the secretaries' training class with three past sessions, a members' class on today.
    first_of_branch = {}
    for m in active:
        first_of_branch.setdefault(m.organization_id, m)
    secretaries = [first_of_branch[b.pk] for b in branches if b.pk in first_of_branch][:60]
    sec_class = TrainingClass.objects.create(
        organization=root, title=f"{year}年全市机关基层党组织书记培训班", makeup_module=constitution
    )
    Enrollment.objects.bulk_create([Enrollment(training_class=sec_class, member=m) for m in secretaries])
    sessions = ClassSession.objects.bulk_create(
        [
            ClassSession(
                training_class=sec_class,
                title=title,
                hours=Decimal("3"),
                sign_in_code=f"{rng.randint(0, 999999):06d}",
                starts_at=now - datetime.timedelta(days=days, hours=3),
                ends_at=now - datetime.timedelta(days=days),
                closed_at=now - datetime.timedelta(days=days),
            )
            for title, days in (
                ("专题一：党的二十大精神解读", 40),
                ("专题二：支部工作条例实务", 33),
                ("专题三：三会一课规范化", 26),
            )
        ]
    )
    attendance, class_hours, makeups = [], [], {}
    for s in sessions:
        for m in secretaries:
            roll = rng.random()
            status = AttendanceStatus.PRESENT if roll < 0.85 else AttendanceStatus.LEAVE if roll < 0.92 else "absent"
            attendance.append(
                Attendance(
                    session=s,
                    member=m,
                    status=status,
                    at=s.starts_at,
                    reason="公务出差" if status == AttendanceStatus.LEAVE else "",
                )
            )
            if status == AttendanceStatus.PRESENT:
                class_hours.append(
                    HoursEntry(
                        member=m,
                        hours=s.hours,
                        year=year,
                        source=HoursSource.CLASS,
                        session=s,
                        rule=f"class attendance: {sec_class.title} / {s.title}"[:200],
                        credit_key=f"session:{s.pk}:{m.pk}",
                        created_at=s.starts_at,
                    )
                )
            else:
                makeups[m.pk] = s.ends_at
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    HoursEntry.objects.bulk_create(class_hours, batch_size=2000)
    # Absentees already hold the constitution module; the make-up flag marks those assignments.
    Assignment.objects.filter(module=constitution, member_id__in=list(makeups)).update(is_makeup=True)

    demo_branch = d["demo_branch"]
    branch_people = list(Member.objects.filter(organization=demo_branch).order_by("pk")[:30])
    mem_class = TrainingClass.objects.create(organization=demo_branch, title="党员教育专题培训班")
    Enrollment.objects.bulk_create([Enrollment(training_class=mem_class, member=m) for m in branch_people])
    ClassSession.objects.create(
        training_class=mem_class,
        title="专题党课：学习贯彻党的二十大精神",
        hours=Decimal("2"),
        sign_in_code="202610",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=8),
    )

    # Lectures of the lecture team in units over the year.
    lectures = []
    for org in d["unit_orgs"]:
        for _ in range(rng.randint(1, 3)):
            lectures.append(
                Lecture(
                    organization=org,
                    title=rng.choice(LECTURE_TOPICS),
                    speaker=rng.choice(SPEAKERS),
                    held_on=today - datetime.timedelta(days=rng.randint(0, 300)),
                    audience_count=rng.randint(40, 300),
                )
            )
    Lecture.objects.bulk_create(lectures, batch_size=2000)

    # Two pending claims in the demo branch for the secretary to review.
    for m, title, h in (
        (branch_people[2], "学习强国“二十大精神”专题学习", "4"),
        (branch_people[3], "市委党校在线专题培训结业证书", "6"),
    ):
        claim = HoursClaim.objects.create(member=m, title=title, hours=Decimal(h), year=year)
        ev = ClaimEvidence(
            claim=claim, original_name="证书.pdf", content_type="application/pdf", size=len(PDF), sha256=""
        )
        ev.file.save("demo-certificate.pdf", ContentFile(PDF), save=False)
        ev.save()
    ctx.log(
        f"  training: 2 modules, {len(assignments)} assignments, {len(hours) + len(class_hours)} ledger rows, "
        f"{len(attendance)} attendance rows, {len(lectures)} lectures"
    )
