"""Small builders for study tests (through the services, as users would)."""

import datetime

from django.utils import timezone

from branches import audit
from branches.models import Member, MemberCategory
from tests.world import make_user
from training import services
from training.models import ItemKind, QuestionKind

NOW = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0, 0))


def module_with_reading(world, *, title="二十大报告学习", min_minutes=1, hours="2", org=None):
    module = services.create_module(actor=audit.SYSTEM, organization=org or world.root, title=title, year=2026)
    reading = services.add_item(
        actor=audit.SYSTEM,
        module=module,
        kind=ItemKind.READING,
        title="报告原文第一部分",
        body="<p>高举中国特色社会主义伟大旗帜</p>",
        min_minutes=min_minutes,
        credit_hours=hours,
    )
    return module, reading


def add_quiz(module, *, questions=3, pass_percent=60, attempt_limit=2, draw=None):
    quiz = services.add_item(
        actor=audit.SYSTEM,
        module=module,
        kind=ItemKind.QUIZ,
        title="学习测验",
        credit_hours="1",
        pass_percent=pass_percent,
        attempt_limit=attempt_limit,
        question_count=draw or questions,
        time_limit_minutes=10,
    )
    for i in range(questions):
        services.add_question(
            actor=audit.SYSTEM,
            item=quiz,
            kind=QuestionKind.SINGLE,
            text=f"第{i + 1}题：党的二十大召开于哪一年？",
            choices=[("2022年", True), ("2021年", False)],
            explanation="党的二十大于2022年10月召开。",
        )
    return quiz


def correct_answers(attempt):
    from training.models import Choice

    right = Choice.objects.filter(question_id__in=attempt.question_ids, is_correct=True)
    return {str(c.question_id): [c.pk] for c in right}


def new_member(org, name, *, with_user=True, category=MemberCategory.FULL):
    user = make_user(f"u-{name}") if with_user else None
    return Member.objects.create(organization=org, name=name, category=category, user=user)
