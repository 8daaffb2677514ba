import pytest
from django.core.management import call_command

from assessment.models import AssessmentCycle, BranchAssessment, CycleStatus, Honor, Indicator, IndicatorResult, Method
from branches.models import Organization

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_published_system_using_every_method_and_two_cycles():
    call_command("seed_demo", "--scale", "small", "--force")
    cycles = list(AssessmentCycle.objects.order_by("year"))
    assert [c.status for c in cycles] == [CycleStatus.FINAL, CycleStatus.OPEN]
    system = cycles[1].system
    assert system.is_frozen
    indicators = Indicator.objects.filter(dimension__system=system)
    assert 20 <= indicators.count() <= 30
    assert set(indicators.values_list("method", flat=True)) == set(Method.values)
    assert system.dimensions.count() == 4
    branches = Organization.objects.filter(kind="branch").count()
    assert BranchAssessment.objects.filter(cycle=cycles[0], grade__isnull=False).count() == branches
    assert IndicatorResult.objects.filter(assessment__cycle=cycles[1]).count() == branches * indicators.count()
    assert Honor.objects.filter(cycle=cycles[0]).exists()
    demo = BranchAssessment.objects.get(
        cycle=cycles[1], organization__grants__user__username="secretary", organization__grants__role="secretary"
    )
    assert demo.status == "draft"
    # Seeded relative to today (Asia/Shanghai): the open cycle is in its self-assessment window.
    from django.utils import timezone

    from assessment import params, windows

    assert windows.current(cycles[1]) == windows.SELF and cycles[1].self_due > timezone.localdate()
    assert windows.secretary_may_edit(cycles[1], demo.status)
    # Last year's cycle, made today, still shows its own sane self-assessment window (not today → last December).
    for cycle in cycles:
        assert all(w.start is None or w.start <= w.end for w in windows.timeline(cycle)), cycle
    assert windows.timeline(cycles[0])[0].start.year == cycles[0].year
    # Every demo indicator passes the editor's rules, so a copy of the system can be edited and published.
    assert [i.code for i in indicators if params.problems(i.method, i.config, i.max_score)] == []
