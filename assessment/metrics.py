"""Numbers the assessment publishes.

- ``assessment.progress``: % of branch assessments (cycles of the period's year) submitted.
- The published results of each subtree, for the dashboards' grade distribution and dimension radar:
  ``assessment.results_year`` (the cycle year the results come from), ``assessment.grade.<n>``
  (branches holding the n-th grade, 1 = the top grade of the indicator system) and
  ``assessment.dimension.<n>`` / ``assessment.dimension.<n>.max`` (average score and average maximum of the
  n-th dimension, in the indicator system's order). ``result_labels(year)`` names the grades and dimensions.

"The results" of a subtree: every branch's latest assessment in a cycle whose results were published
(公示) before the period ended, of the latest such cycle year found in the subtree. A dimension's score
follows ``selectors.dimension_rows``: the effective score (final, else review, else self) summed over the
dimension's indicators, one-vote vetoes left out (bonus indicators count, to their maximum).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from branches.metric_registry import Metric, register
from branches.rollup import subtree_sums
from branches.stats import subtree_filter

from .models import (
    AssessmentCycle,
    AssessmentStatus,
    BranchAssessment,
    Dimension,
    GradeThreshold,
    IndicatorResult,
    Method,
)

NOT_SUBMITTED = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)
# Positions published as metrics: indicator systems have four grades and four dimensions in practice.
GRADE_POSITIONS = 5
DIMENSION_POSITIONS = 6


def _progress(orgs, period):
    """For each org: % of the branch assessments in its subtree (cycles of the period's year) submitted."""
    if not orgs:
        return {}
    rows = list(
        BranchAssessment.objects.filter(cycle__year=period.start.year)
        .filter(subtree_filter(orgs))  # only the subtrees asked for
        .order_by()
        .values("organization__path")
        .annotate(total=Count("pk"), submitted=Count("pk", filter=~Q(status__in=NOT_SUBMITTED)))
        .values_list("organization__path", "total", "submitted")
    )
    totals = subtree_sums(((path, total) for path, total, _s in rows), orgs)
    submitted = subtree_sums(((path, done) for path, _t, done in rows), orgs)
    return {pk: (round(100 * submitted[pk] / totals[pk], 1) if totals[pk] else None) for pk in totals}


register(
    Metric(
        name="assessment.progress",
        label=_("Self-assessments submitted"),
        unit="%",
        many=_progress,
        # No list: the cycle page cannot be filtered to an organisation's subtree yet (docs/dashboards.md).
        drill_url=None,
    )
)


# --------------------------------------------------------------------------- published results


@dataclass
class SubtreeResults:
    year: int | None = None
    grades: list = field(default_factory=lambda: [0] * GRADE_POSITIONS)
    grade_slots: int = 0  # how many grades the indicator systems behind these results have
    # per dimension position: [sum of scores, sum of maxima, assessments]
    dimensions: list = field(default_factory=lambda: [[0.0, 0.0, 0] for _ in range(DIMENSION_POSITIONS)])

    def dimension_average(self, index: int, *, maximum: bool = False):
        score, top, n = self.dimensions[index]
        if not n:
            return None
        return round((top if maximum else score) / n, 1)


def _positions(rows) -> dict:
    """{pk: 0-based position within its system} from (pk, system_id, sort key) rows."""
    by_system = defaultdict(list)
    for pk, system_id, key in rows:
        by_system[system_id].append((key, pk))
    out = {}
    for items in by_system.values():
        for index, (_key, pk) in enumerate(sorted(items)):
            out[pk] = index
    return out


def published_results(orgs, period, *, dimensions: bool = True) -> dict:
    """{org.pk: SubtreeResults} over each org's subtree, in five queries at most, whatever the number of orgs."""
    orgs = list(orgs)
    if not orgs:
        return {}
    end = period.end_datetime()
    rows = BranchAssessment.objects.filter(
        cycle__published_at__isnull=False, cycle__published_at__lt=end, cycle__year__lte=period.end.year
    ).values_list(
        "pk", "organization_id", "organization__path", "cycle__year", "cycle__published_at", "cycle_id", "grade_id"
    )
    # Each branch's latest published assessment.
    latest = {}
    for pk, org_id, path, year, published_at, cycle_id, grade_id in rows:
        key = (year, published_at, cycle_id)
        if org_id not in latest or key > latest[org_id][0]:
            latest[org_id] = (key, pk, path, grade_id)
    if not latest:
        return {o.pk: SubtreeResults() for o in orgs}
    kept = {pk: (path, key[0], grade_id, key[2]) for key, pk, path, grade_id in latest.values()}
    cycle_ids = {cycle_id for _pk, (_path, _year, _grade, cycle_id) in kept.items()}
    system_of = dict(AssessmentCycle.objects.filter(pk__in=cycle_ids).values_list("pk", "system_id"))
    systems = set(system_of.values())
    # Grade 1 is the system's highest threshold.
    grade_rows = list(GradeThreshold.objects.filter(system_id__in=systems).values_list("pk", "system_id", "min_score"))
    grade_position = _positions((pk, system, -score) for pk, system, score in grade_rows)
    grade_slots = defaultdict(int)
    for _pk, system, _score in grade_rows:
        grade_slots[system] += 1
    scores = defaultdict(dict)  # assessment pk -> {dimension position: (score, max)}
    if dimensions:
        dim_position = _positions(
            (pk, system, (order, pk))
            for pk, system, order in Dimension.objects.filter(system_id__in=systems).values_list(
                "pk", "system_id", "order"
            )
        )
        for assessment_id, dimension_id, score, top in (
            IndicatorResult.objects.filter(assessment_id__in=list(kept))
            .exclude(indicator__method=Method.VETO)
            .values("assessment_id", "indicator__dimension_id")
            .annotate(score=Sum(Coalesce("final_score", "review_score", "self_score")), top=Sum("indicator__max_score"))
            .values_list("assessment_id", "indicator__dimension_id", "score", "top")
            .order_by()
        ):
            scores[assessment_id][dim_position[dimension_id]] = (float(score or 0), float(top or 0))
    targets = {o.pk for o in orgs}
    by_year = defaultdict(SubtreeResults)  # (org pk, year) -> results of that year
    for pk, (path, year, grade_id, cycle_id) in kept.items():
        for part in path.strip("/").split("/"):
            org_id = int(part)
            if org_id not in targets:
                continue
            acc = by_year[(org_id, year)]
            acc.year = year
            acc.grade_slots = max(acc.grade_slots, grade_slots[system_of[cycle_id]])
            position = grade_position.get(grade_id)
            if position is not None and position < GRADE_POSITIONS:
                acc.grades[position] += 1
            for position, (score, top) in scores.get(pk, {}).items():
                if position < DIMENSION_POSITIONS:
                    acc.dimensions[position][0] += score
                    acc.dimensions[position][1] += top
                    acc.dimensions[position][2] += 1
    latest_year = {}
    for org_id, year in by_year:
        latest_year[org_id] = max(year, latest_year.get(org_id, year))
    return {o.pk: by_year[(o.pk, latest_year[o.pk])] if o.pk in latest_year else SubtreeResults() for o in orgs}


def _results_year(orgs, period):
    return {pk: r.year for pk, r in published_results(orgs, period, dimensions=False).items()}


def _grade(position: int):
    def many(orgs, period):
        return {
            pk: (r.grades[position] if r.year is not None and position < r.grade_slots else None)
            for pk, r in published_results(orgs, period, dimensions=False).items()
        }

    return many


def _dimension(position: int, *, maximum: bool = False):
    def many(orgs, period):
        return {pk: r.dimension_average(position, maximum=maximum) for pk, r in published_results(orgs, period).items()}

    return many


def result_labels(year: int | None) -> dict:
    """Names of the grades and dimensions (by position) of the indicator system whose results a year shows."""
    out = {"grades": [], "dimensions": []}
    if year is None:
        return out
    cycle = (
        AssessmentCycle.objects.filter(year=year, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .only("system_id")
        .first()
    )
    if cycle is None:
        return out
    grades = GradeThreshold.objects.filter(system_id=cycle.system_id).order_by("-min_score", "pk")
    dims = Dimension.objects.filter(system_id=cycle.system_id).order_by("order", "pk")
    out["grades"] = list(grades.values_list("label", flat=True))[:GRADE_POSITIONS]
    out["dimensions"] = list(dims.values_list("name", flat=True))[:DIMENSION_POSITIONS]
    return out


register(
    Metric(
        name="assessment.results_year",
        label=_("Year of the assessment results shown"),
        unit="年",
        many=_results_year,
    )
)
for _n in range(1, GRADE_POSITIONS + 1):
    register(
        Metric(
            name=f"assessment.grade.{_n}",
            label=format_lazy(_("Branches of grade {n}"), n=_n),
            unit="个",
            many=_grade(_n - 1),
        )
    )
for _n in range(1, DIMENSION_POSITIONS + 1):
    register(
        Metric(
            name=f"assessment.dimension.{_n}",
            label=format_lazy(_("Average score of dimension {n}"), n=_n),
            unit="分",
            many=_dimension(_n - 1),
        )
    )
    register(
        Metric(
            name=f"assessment.dimension.{_n}.max",
            label=format_lazy(_("Maximum score of dimension {n}"), n=_n),
            unit="分",
            many=_dimension(_n - 1, maximum=True),
        )
    )
