"""A review round on the test world: unit_a and unit_b report; branch secretaries optionally, rated by their unit."""

import datetime

from django.utils import timezone

from supervision.accountability import services

TODAY = datetime.date(2027, 1, 20)
NOW = timezone.make_aware(datetime.datetime(2027, 1, 20, 10))


def open_round(world, *, raters=None, include_branches=False, title="2026年度书记抓基层党建述职评议", year=2026):
    from tests.world import make_user

    if raters is None:
        raters = [make_user(f"rater{i}-{title[:4]}{year}") for i in range(3)]
    return services.open_round(
        actor=world.committee,
        title=title,
        year=year,
        organization=world.root,
        report_deadline=TODAY,
        rating_starts=TODAY,
        rating_ends=TODAY + datetime.timedelta(days=2),
        include_branches=include_branches,
        raters=raters,
    )


def taps(rnd, grade_name):
    grade = rnd.grades.get(name=grade_name)
    return {d.pk: grade.pk for d in rnd.dimensions.all()}
