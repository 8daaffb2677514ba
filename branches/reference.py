"""Reference data of the register: rule numbers (DOMAIN.md 2-3 defaults) and committee positions.

Seeded by migration 0004; ``ensure()`` re-creates missing rows (e.g. after a test flush)
without touching values an administrator has changed.
"""

RULES = [
    # code, value, unit, description, source
    ("term.party_committee.years", 5, "years", "机关党委任期", "机关基层组织工作条例"),
    ("term.general_branch.years", 3, "years", "党总支任期", "机关基层组织工作条例"),
    ("term.branch.years", 3, "years", "党支部任期", "机关基层组织工作条例"),
    ("term.change.max_months", 12, "months", "提前或延期换届最长期限", "任期意见"),
    ("term.remind.first_months", 6, "months", "换届第一次提醒（到期前）", "本地惯例"),
    ("term.remind.second_months", 1, "months", "换届第二次提醒（到期前）", "本地惯例"),
    ("development.talk.within_months", 1, "months", "收到入党申请后谈话期限", "发展党员工作细则"),
    ("development.cultivation.min_months", 12, "months", "积极分子培养考察最短期限", "发展党员工作细则"),
    ("development.public_notice.min_days", 5, "days", "发展对象公示最短天数（工作日）", "本地惯例"),
    ("development.approval.within_months", 3, "months", "上级党委审批期限", "发展党员工作细则"),
    ("development.probation.months", 12, "months", "预备期", "党章"),
    ("development.extension.min_months", 6, "months", "延长预备期最短", "党章"),
    ("development.extension.max_months", 12, "months", "延长预备期最长", "党章"),
    ("development.probation.remind_months", 1, "months", "预备期满提醒（到期前）", "派生"),
    ("transfer.validity.in_province_months", 3, "months", "省内转接介绍信有效期", "本地惯例"),
    ("transfer.validity.cross_province_months", 6, "months", "跨省转接介绍信有效期", "本地惯例"),
    ("structure.branch.min_full_members", 3, "count", "成立党支部所需正式党员数", "支部工作条例 第4条"),
    ("structure.branch.committee_at_full_members", 7, "count", "应设支部委员会的正式党员数", "支部工作条例"),
    ("structure.branch.max_members", 50, "count", "党支部党员人数一般上限", "支部工作条例"),
]

POSITIONS = [
    ("secretary", "书记", 10, True),
    ("deputy_secretary", "副书记", 20, False),
    ("organization", "组织委员", 30, False),
    ("propaganda", "宣传委员", 40, False),
    ("discipline", "纪检委员", 50, False),
    ("youth", "青年委员", 60, False),
    ("united_front", "统战委员", 70, False),
]


def ensure(rule_model=None, position_model=None) -> None:
    if rule_model is None or position_model is None:
        from .models import CommitteePosition, RegisterRule

        rule_model, position_model = RegisterRule, CommitteePosition
    for code, value, unit, description, source in RULES:
        rule_model.objects.get_or_create(
            code=code, defaults={"value": value, "unit": unit, "description": description, "source": source}
        )
    for code, name, order, is_secretary in POSITIONS:
        position_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "is_secretary": is_secretary}
        )
    from . import holidays
    from .models import CalendarDay

    if not CalendarDay.objects.exists():
        holidays.seed(CalendarDay)
