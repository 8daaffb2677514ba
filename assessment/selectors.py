"""Read-only views of assessments: score cards, ranks, year-over-year, "what it takes"."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count

from branches import metric_registry
from branches.models import Meeting, MeetingStatus, Organization
from branches.periods import period_containing

from .models import BranchAssessment, Indicator, Method


def effective_score(r):
    """The score that counts at this stage: final, else review, else self."""
    for value in (r.final_score, r.review_score, r.self_score):
        if value is not None:
            return value
    return None


def dimension_rows(results) -> list[dict]:
    """Results grouped by dimension with score and maximum (bonus counts; veto does not)."""
    dims = {}
    for r in results:
        dim = r.indicator.dimension
        row = dims.setdefault(dim.pk, {"dimension": dim, "results": [], "score": Decimal("0"), "max": Decimal("0")})
        row["results"].append(r)
        if r.indicator.method == Method.VETO:
            continue
        row["max"] += r.indicator.max_score
        row["score"] += effective_score(r) or 0
    return sorted(dims.values(), key=lambda d: (d["dimension"].order, d["dimension"].pk))


def radar_data(dims) -> dict:
    return {
        "indicators": [{"name": d["dimension"].name, "max": float(d["max"] or 1)} for d in dims],
        "values": [float(d["score"]) for d in dims],
    }


def total_of(assessment, results) -> Decimal:
    for value in (assessment.final_total, assessment.review_total, assessment.self_total):
        if value is not None:
            return value
    return sum((effective_score(r) or 0 for r in results if r.indicator.method != Method.VETO), Decimal("0"))


def what_it_takes(results, total, grades, current_grade, vetoed) -> list[dict]:
    """For each indicator not at full marks: the points at stake and whether they would lift the grade."""
    ordered = sorted(grades, key=lambda g: g.min_score, reverse=True)
    higher = [g for g in ordered if current_grade is None or g.min_score > current_grade.min_score]
    next_grade = higher[-1] if higher else None
    rows = []
    for r in results:
        ind = r.indicator
        if ind.method == Method.VETO:
            continue
        score = effective_score(r) or Decimal("0")
        stake = ind.max_score - score
        if stake <= 0:
            continue
        lifts = bool(next_grade and not vetoed and total + stake >= next_grade.min_score)
        rows.append({"result": r, "stake": stake, "lifts": lifts, "next_grade": next_grade})
    rows.sort(key=lambda row: -row["stake"])
    return rows


def rank_in_unit(assessment: BranchAssessment) -> tuple[int | None, int]:
    """Rank by total among the branches with the same parent in the same cycle (two queries at most)."""
    peers = list(
        BranchAssessment.objects.filter(
            cycle_id=assessment.cycle_id, organization__parent_id=assessment.organization.parent_id
        ).values_list("pk", "final_total", "review_total", "self_total")
    )

    def total(row):
        for v in row[1:]:
            if v is not None:
                return v
        return Decimal("-1")

    ordered = sorted(peers, key=lambda row: -total(row))
    for i, row in enumerate(ordered, start=1):
        if row[0] == assessment.pk:
            return i, len(ordered)
    return None, len(ordered)


def year_over_year(assessment: BranchAssessment, visible) -> list[BranchAssessment]:
    return list(
        visible.filter(organization_id=assessment.organization_id)
        .select_related("cycle", "grade")
        .order_by("-cycle__year", "-cycle_id")
    )


def grade_counts(assessments) -> list[dict]:
    """The assessments grouped by grade, status and parent organisation, each row with its count (``n``): what
    ``distribution``, ``quota_rows`` and a cycle's progress read. Grouped in PostgreSQL, so a province's 5,000
    assessments come back as a few hundred rows."""
    return list(
        assessments.order_by()
        .values("grade_id", "status", "organization__parent__path", "organization__parent__name")
        .annotate(n=Count("id"))
    )


def distribution(assessments_values, grades) -> list[dict]:
    """``assessments_values``: one row per assessment, or grouped rows that say how many (``n``)."""
    counts = defaultdict(int)
    for row in assessments_values:
        counts[row["grade_id"]] += row.get("n", 1)
    total = sum(counts.values()) or 1
    ordered = sorted(grades, key=lambda g: g.min_score, reverse=True)
    out = [{"grade": g, "count": counts[g.pk], "percent": round(100 * counts[g.pk] / total, 1)} for g in ordered]
    if counts[None]:
        out.append({"grade": None, "count": counts[None], "percent": round(100 * counts[None] / total, 1)})
    return out


def quota_rows(assessments_values, grades, quota) -> list[dict]:
    """Per parent organisation: branches, top grades, allowed by the quota, and whether within it
    (``assessments_values`` as for ``distribution``)."""
    ordered = sorted(grades, key=lambda g: g.min_score, reverse=True)
    if quota is None or not ordered:
        return []
    top = ordered[0]
    groups = defaultdict(list)
    for row in assessments_values:
        groups[(row["organization__parent__path"], row["organization__parent__name"])].append(row)
    out = []
    for (_path, name), rows in sorted(groups.items()):
        branches = sum(r.get("n", 1) for r in rows)
        n_top = sum(r.get("n", 1) for r in rows if r["grade_id"] == top.pk)
        allowed = branches * quota // 100
        out.append({"parent": name, "branches": branches, "top": n_top, "allowed": allowed, "ok": n_top <= allowed})
    return out


def meetings_for_evidence(assessment: BranchAssessment, user, *, kind: str = "", query: str = ""):
    """Meeting records a secretary may link as evidence: held (record submitted) in the cycle's year by the
    branch or its party groups, and visible to ``user``. One query; newest first."""
    year = period_containing("year", datetime.date(assessment.cycle.year, 1, 1))
    qs = (
        Meeting.objects.visible_to(user, "view")
        .filter(
            organization__in=Organization.objects.subtree_of(assessment.organization).values("pk"),
            status=MeetingStatus.SUBMITTED,
            start__gte=year.start_datetime(),
            start__lt=year.end_datetime(),
        )
        .select_related("organization")
        .order_by("-start", "-pk")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(title__icontains=query.strip())
    return qs


def metric_rows() -> list[dict]:
    """The metrics a computed indicator may use (the registry), for the editor."""
    return [
        {"name": m.name, "label": str(m.label), "unit": m.unit}
        for m in sorted(metric_registry.available().values(), key=lambda m: m.name)
    ]


def total_max(system) -> Decimal:
    """The highest total a branch can reach: every indicator's max score (bonuses included, vetoes 0)."""
    scores = Indicator.objects.filter(dimension__system=system).values_list("max_score", flat=True)
    return sum(scores, Decimal("0"))
