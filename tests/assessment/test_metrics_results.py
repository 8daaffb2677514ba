"""The published results as metrics: grade distribution and dimension averages per subtree."""

import datetime

import pytest
from django.utils import timezone

from assessment import services
from assessment.metrics import published_results, result_labels
from assessment.models import BranchAssessment
from branches import audit, metric_registry
from branches.periods import period_containing
from tests.assessment.factories import inputs_by_code, make_system, open_cycle

pytestmark = pytest.mark.django_db

# The factory's cycle windows: self-assessment to 12-10, review to 12-20, calibration to 12-25.
SELF_AT = timezone.make_aware(datetime.datetime(2026, 12, 5, 10))
PUBLISHED = timezone.make_aware(datetime.datetime(2026, 12, 22, 10))
# Scores (P T M R dimensions): a1 20/20/20/40 = 100 (四强), a2 8/10/14/24 = 56 (不达标), b1 20/20/17/28 = 85 (达标)
INPUTS = {
    "branch_a1": {
        "P1": {"level": "好"},
        "T1": {"checked": [0, 1, 2, 3, 4]},
        "M1": {"count": 0},
        "R1": {"count": 3},
        "P2": {"triggered": False},
        "R2": {"manual": "30"},
    },
    "branch_a2": {
        "P1": {"level": "一般"},
        "T1": {"checked": [0, 1]},
        "M1": {"count": 2},
        "R1": {"count": 0},
        "P2": {"triggered": False},
        "R2": {"manual": "24"},
    },
    "branch_b1": {
        "P1": {"level": "好"},
        "T1": {"checked": [0, 1, 2, 3, 4]},
        "M1": {"count": 1},
        "R1": {"count": 1},
        "P2": {"triggered": False},
        "R2": {"manual": "24"},
    },
}


def _year(y):
    return period_containing("year", datetime.date(y, 1, 1))


def _score_all(world, cycle):
    for key, data in INPUTS.items():
        a = BranchAssessment.objects.get(cycle=cycle, organization=getattr(world, key))
        services.save_self_assessment(actor=audit.SYSTEM, assessment=a, entries=inputs_by_code(a, data), now=SELF_AT)


@pytest.fixture
def published(world):
    cycle = open_cycle(make_system(metric="not.there", quota=None), world.root)
    _score_all(world, cycle)
    services.start_calibration(actor=world.committee, cycle=cycle, now=PUBLISHED)
    services.publish_results(actor=world.committee, cycle=cycle, now=PUBLISHED)
    return cycle


def _values(name, orgs, period):
    return metric_registry.get(name).values(orgs, period)


def test_grade_metrics_count_each_subtrees_branches_by_grade(world, published):
    orgs = [world.root, world.unit_a, world.unit_b, world.branch_a2]
    counts = {n: _values(f"assessment.grade.{n}", orgs, _year(2026)) for n in range(1, 6)}
    assert [counts[n][world.root.pk] for n in range(1, 5)] == [1, 1, 0, 1]
    assert [counts[n][world.unit_a.pk] for n in range(1, 5)] == [1, 0, 0, 1]
    assert [counts[n][world.unit_b.pk] for n in range(1, 5)] == [0, 1, 0, 0]
    assert [counts[n][world.branch_a2.pk] for n in range(1, 5)] == [0, 0, 0, 1]
    # The system has four grades: there is no fifth to count.
    assert counts[5][world.root.pk] is None


def test_dimension_metrics_average_the_subtrees_scores_against_the_maximum(world, published):
    orgs = [world.root, world.unit_a]
    p = _year(2026)
    assert _values("assessment.dimension.1", orgs, p) == {world.root.pk: 16.0, world.unit_a.pk: 14.0}
    assert _values("assessment.dimension.2", orgs, p) == {world.root.pk: 16.7, world.unit_a.pk: 15.0}
    assert _values("assessment.dimension.4", orgs, p) == {world.root.pk: 30.7, world.unit_a.pk: 32.0}
    # Maximum: the dimension's indicators (the veto counts nothing, the bonus to its cap).
    assert _values("assessment.dimension.1.max", orgs, p) == {world.root.pk: 20.0, world.unit_a.pk: 20.0}
    assert _values("assessment.dimension.4.max", orgs, p) == {world.root.pk: 40.0, world.unit_a.pk: 40.0}
    assert _values("assessment.dimension.5", orgs, p) == {world.root.pk: None, world.unit_a.pk: None}


def test_results_before_publication_are_not_counted(world):
    cycle = open_cycle(make_system(metric="not.there", quota=None), world.root)
    _score_all(world, cycle)
    services.start_calibration(actor=world.committee, cycle=cycle, now=PUBLISHED)  # graded, not published
    assert _values("assessment.results_year", [world.root], _year(2026)) == {world.root.pk: None}
    assert _values("assessment.grade.1", [world.root], _year(2026)) == {world.root.pk: None}
    assert _values("assessment.dimension.1", [world.root], _year(2026)) == {world.root.pk: None}


def test_a_year_shows_the_latest_results_published_by_its_end(world, published):
    # Published on 22 December 2026: the year 2027 still shows them; 2025 had none yet.
    assert _values("assessment.results_year", [world.root], _year(2027)) == {world.root.pk: 2026}
    assert _values("assessment.grade.1", [world.root], _year(2027)) == {world.root.pk: 1}
    assert _values("assessment.results_year", [world.root], _year(2025)) == {world.root.pk: None}
    # A quarter ending before publication does not see them.
    q3 = period_containing("quarter", datetime.date(2026, 8, 1))
    assert _values("assessment.results_year", [world.root], q3) == {world.root.pk: None}


def test_a_later_published_cycle_replaces_a_branchs_earlier_result(world, published):
    later = open_cycle(make_system(year=2027, metric="not.there", quota=None), world.unit_a)
    for key in ("branch_a1", "branch_a2"):
        a = BranchAssessment.objects.get(cycle=later, organization=getattr(world, key))
        services.save_self_assessment(
            actor=audit.SYSTEM,
            assessment=a,
            entries=inputs_by_code(a, INPUTS["branch_a1"]),
            now=SELF_AT.replace(year=2027),
        )
    when = PUBLISHED.replace(year=2027)
    services.start_calibration(actor=world.committee, cycle=later, now=when)
    services.publish_results(actor=world.committee, cycle=later, now=when)
    p = _year(2027)
    results = published_results([world.root, world.unit_a, world.unit_b], p)
    # unit A's branches now both hold the top grade (2027); unit B still shows its 2026 result; the city shows
    # its latest year, 2027, which covers unit A's branches only.
    assert (results[world.unit_a.pk].year, results[world.unit_a.pk].grades[:4]) == (2027, [2, 0, 0, 0])
    assert (results[world.unit_b.pk].year, results[world.unit_b.pk].grades[:4]) == (2026, [0, 1, 0, 0])
    assert (results[world.root.pk].year, results[world.root.pk].grades[:4]) == (2027, [2, 0, 0, 0])


def test_result_labels_name_the_grades_and_dimensions_in_order(world, published):
    labels = result_labels(2026)
    assert labels == {
        "grades": ["四强", "达标", "基本达标", "不达标"],
        "dimensions": ["政治功能强", "支部班子强", "党员队伍强", "作用发挥强"],
    }
    assert result_labels(2020) == {"grades": [], "dimensions": []}
    assert result_labels(None) == {"grades": [], "dimensions": []}


def test_the_results_cost_a_fixed_number_of_queries(world, published, django_assert_max_num_queries):
    orgs = [world.root, world.unit_a, world.unit_b, world.branch_a1, world.branch_a2, world.branch_b1]
    with django_assert_max_num_queries(5):
        published_results(orgs, _year(2026))
