"""Reference data: the 2026/2027 holiday calendar, finding categories and the escalation policy.

2026 follows the State Council's published schedule (国办发明电〔2025〕7号). The 2027 rows are the
best available estimate (``confirmed=False``): operators must check them against the official
notice each year and correct them in the admin.
"""

import datetime

from django.db import migrations


def _span(start, end):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


D = datetime.date
HOLIDAYS = [
    # (first day, last day, name, confirmed)
    (D(2026, 1, 1), D(2026, 1, 3), "元旦", True),
    (D(2026, 2, 15), D(2026, 2, 23), "春节", True),
    (D(2026, 4, 4), D(2026, 4, 6), "清明节", True),
    (D(2026, 5, 1), D(2026, 5, 5), "劳动节", True),
    (D(2026, 6, 19), D(2026, 6, 21), "端午节", True),
    (D(2026, 9, 25), D(2026, 9, 27), "中秋节", True),
    (D(2026, 10, 1), D(2026, 10, 7), "国庆节", True),
    (D(2027, 1, 1), D(2027, 1, 3), "元旦", False),
    (D(2027, 2, 5), D(2027, 2, 13), "春节", False),
    (D(2027, 4, 3), D(2027, 4, 5), "清明节", False),
    (D(2027, 5, 1), D(2027, 5, 5), "劳动节", False),
    (D(2027, 6, 9), D(2027, 6, 9), "端午节", False),
    (D(2027, 9, 15), D(2027, 9, 15), "中秋节", False),
    (D(2027, 10, 1), D(2027, 10, 7), "国庆节", False),
]
WORKDAYS = [
    (D(2026, 1, 4), "元旦调休", True),
    (D(2026, 2, 14), "春节调休", True),
    (D(2026, 2, 28), "春节调休", True),
    (D(2026, 5, 9), "劳动节调休", True),
    (D(2026, 9, 20), "国庆节调休", True),
    (D(2026, 10, 10), "国庆节调休", True),
    (D(2027, 2, 20), "春节调休", False),
    (D(2027, 5, 8), "劳动节调休", False),
    (D(2027, 9, 26), "国庆节调休", False),
    (D(2027, 10, 9), "国庆节调休", False),
]
CATEGORIES = ["政治建设", "思想建设", "组织建设", "作风建设", "纪律建设", "制度建设"]
RULES = [
    # code, name, colour, condition, threshold
    ("overdue-1", "整改逾期1个工作日以上", "yellow", "overdue", 1),
    ("recheck-failed", "整改复核未通过", "yellow", "recheck_failed", 0),
    ("overdue-5", "整改逾期5个工作日以上", "red", "overdue", 5),
    ("yellow-10", "黄牌10个工作日内未消除", "red", "yellow_not_cleared", 10),
    ("serious-repeat", "严重问题重复发生", "red", "serious_repeat", 0),
]


def seed(apps, schema_editor):
    FindingCategory = apps.get_model("supervision", "FindingCategory")
    EscalationRule = apps.get_model("supervision", "EscalationRule")
    try:
        CalendarDay = apps.get_model("supervision", "CalendarDay")
    except LookupError:  # called with today's apps: the calendar is branches.CalendarDay (0005)
        CalendarDay = apps.get_model("branches", "CalendarDay")
    rows = [
        CalendarDay(date=day, kind="holiday", name=name, confirmed=ok)
        for start, end, name, ok in HOLIDAYS
        for day in _span(start, end)
    ]
    rows += [CalendarDay(date=day, kind="workday", name=name, confirmed=ok) for day, name, ok in WORKDAYS]
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
    for i, name in enumerate(CATEGORIES):
        FindingCategory.objects.get_or_create(name=name, defaults={"order": i})
    for code, name, colour, condition, threshold in RULES:
        EscalationRule.objects.get_or_create(
            code=code, defaults={"name": name, "colour": colour, "condition": condition, "threshold": threshold}
        )


def unseed(apps, schema_editor):
    apps.get_model("supervision", "CalendarDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_supervision_models")]

    operations = [migrations.RunPython(seed, unseed)]
