import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from branches.models import AuditEntry
from supervision.accountability import figures, services
from supervision.accountability.models import Rater, Rating, Reporter, ReviewRound
from supervision.models import Rectification

from .helpers import NOW, TODAY, open_round, taps

pytestmark = pytest.mark.django_db


def test_committee_opens_a_round_with_unit_committees_reporting_and_default_form(world):
    rnd = open_round(world)
    assert set(rnd.reporters.values_list("organization", flat=True)) == {world.unit_a.pk, world.unit_b.pk}
    assert list(rnd.grades.values_list("name", flat=True)) == ["好", "较好", "一般", "差"]
    assert rnd.dimensions.count() == 5
    assert (rnd.live_weight, rnd.record_weight) == (60, 40)
    assert AuditEntry.objects.filter(action="accountability.round_open").exists()


def test_branch_secretaries_are_rated_by_their_unit(world):
    rnd = open_round(world, include_branches=True)
    a1 = rnd.reporters.get(organization=world.branch_a1)
    assert a1.panel == world.unit_a
    assert a1.secretary == world.secretary
    assert Rater.objects.filter(round=rnd, user=world.unit_admin, panel=world.unit_a).exists()


def test_only_committee_staff_open_rounds(world):
    with pytest.raises(PermissionDenied):
        services.open_round(
            actor=world.unit_admin,
            title="x",
            year=2026,
            report_deadline=TODAY,
            rating_starts=TODAY,
            rating_ends=TODAY,
        )


def test_weights_must_add_up_to_100(world):
    with pytest.raises(ValidationError):
        services.open_round(
            actor=world.committee,
            title="x",
            year=2026,
            report_deadline=TODAY,
            rating_starts=TODAY,
            rating_ends=TODAY,
            live_weight=70,
            record_weight=40,
        )


def test_weighting_and_grade_thresholds_are_pinned():
    grades = [
        type("G", (), {"name": n, "min_score": Decimal(m)})()
        for n, m in [("好", 90), ("较好", 80), ("一般", 60), ("差", 0)]
    ]
    # live 95 × 60% + record 80 × 40% = 89.00 → 较好 (just under 90)
    total = figures.total_score(Decimal("95"), Decimal("80"), 60, 40)
    assert total == Decimal("89.00")
    assert figures.grade_for(total, grades).name == "较好"
    assert figures.grade_for(Decimal("90.00"), grades).name == "好"
    assert figures.grade_for(Decimal("79.99"), grades).name == "一般"
    assert figures.grade_for(Decimal("59.99"), grades).name == "差"
    assert figures.total_score(None, Decimal("80"), 60, 40) is None  # nobody rated: no grade
    assert figures.total_score(Decimal("70"), None, 60, 40) == Decimal("70.00")


def test_record_score_from_rates_and_deductions():
    ind = [
        type("I", (), {"metric": "a", "method": "rate", "weight": 30, "deduction": Decimal(0)})(),
        type("I", (), {"metric": "b", "method": "deduct", "weight": 10, "deduction": Decimal(50)})(),
        type("I", (), {"metric": "c", "method": "rate", "weight": 60, "deduction": Decimal(0)})(),
    ]
    # a = 90 (×30), b = 1 red card → 50 (×10), c not applicable (left out): (2700 + 500) / 40 = 80
    assert figures.record_score(ind, {"a": 90.0, "b": 1, "c": None}) == Decimal("80.00")


def test_rating_is_once_per_rater_and_final(world):
    rnd = open_round(world)
    rater = rnd.raters.first().user
    reporter = rnd.reporters.get(organization=world.unit_a)
    services.rate(actor=rater, reporter=reporter, taps=taps(rnd, "好"), now=NOW)
    with pytest.raises(ValidationError):
        services.rate(actor=rater, reporter=reporter, taps=taps(rnd, "差"), now=NOW)
    assert Rating.objects.filter(reporter=reporter).count() == 1
    seat = Rating.objects.get(reporter=reporter).rater
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(reporter=reporter, rater=seat, score=1, submitted_at=NOW)


def test_rating_needs_a_seat_every_item_and_the_window(world):
    rnd = open_round(world)
    reporter = rnd.reporters.get(organization=world.unit_a)
    with pytest.raises(PermissionDenied):
        services.rate(actor=world.unit_admin, reporter=reporter, taps=taps(rnd, "好"), now=NOW)
    rater = rnd.raters.first().user
    partial = dict(list(taps(rnd, "好").items())[:2])
    with pytest.raises(ValidationError):
        services.rate(actor=rater, reporter=reporter, taps=partial, now=NOW)
    with pytest.raises(ValidationError):
        services.rate(actor=rater, reporter=reporter, taps=taps(rnd, "好"), now=NOW + datetime.timedelta(days=5))
    assert not Rating.objects.exists()


def test_the_audit_of_a_rating_never_holds_the_grades(world):
    rnd = open_round(world)
    rater = rnd.raters.first().user
    services.rate(actor=rater, reporter=rnd.reporters.first(), taps=taps(rnd, "一般"), now=NOW)
    entry = AuditEntry.objects.get(action="accountability.rate")
    assert "score" not in str(entry.after) and "grade" not in str(entry.after)


def test_closing_computes_weighted_totals_grades_and_ranks(world):
    rnd = open_round(world)
    a = rnd.reporters.get(organization=world.unit_a)
    b = rnd.reporters.get(organization=world.unit_b)
    raters = [s.user for s in rnd.raters.all()]
    for user, grade in zip(raters, ["好", "好", "较好"], strict=True):
        services.rate(actor=user, reporter=a, taps=taps(rnd, grade), now=NOW)
    for user in raters[:2]:
        services.rate(actor=user, reporter=b, taps=taps(rnd, "一般"), now=NOW)
    services.close_round(actor=world.committee, round=rnd, now=NOW)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.live_score == Decimal("95.00")  # (100 + 100 + 85) / 3
    assert b.live_score == Decimal("70.00")
    assert a.ratings_count == 3
    expected = figures.total_score(a.live_score, a.record_score, 60, 40)
    assert a.total_score == expected
    assert a.rank == 1 and b.rank == 2
    assert a.grade == figures.grade_for(a.total_score, rnd.grades.all())
    with pytest.raises(ValidationError):
        services.rate(actor=raters[2], reporter=b, taps=taps(rnd, "好"), now=NOW)


def test_published_grade_reaches_the_metric_registry(world):
    from branches import metric_registry

    rnd = open_round(world)
    a = rnd.reporters.get(organization=world.unit_a)
    for seat in rnd.raters.all():
        services.rate(actor=seat.user, reporter=a, taps=taps(rnd, "好"), now=NOW)
    services.close_round(actor=world.committee, round=rnd, now=NOW)
    period = figures.year_period(2026)
    assert metric_registry.get("accountability.score").value(world.branch_a1, period) is None  # not yet published
    services.publish_round(actor=world.committee, round=rnd, now=NOW)
    a.refresh_from_db()
    assert metric_registry.get("accountability.score").value(world.branch_a1, period) == float(a.total_score)
    assert metric_registry.get("accountability.grade").value(world.unit_a, period) == a.grade.order + 1
    assert metric_registry.get("accountability.grade").value(world.unit_b, period) is None  # nobody rated b


def test_problems_become_rectifications_with_owner_and_deadline(world):
    rnd = open_round(world)
    a = rnd.reporters.get(organization=world.unit_a)
    with pytest.raises(ValidationError):  # not before the round closes
        services.send_problem(actor=world.committee, reporter=a, description="x", deadline=TODAY, now=NOW)
    services.close_round(actor=world.committee, round=rnd, now=NOW)
    deadline = TODAY + datetime.timedelta(days=30)
    p1 = services.send_problem(
        actor=world.committee, reporter=a, description="第一议题学习不够深入", deadline=deadline, now=NOW
    )
    p2 = services.send_problem(
        actor=world.committee, reporter=a, description="支部标准化建设推进慢", deadline=deadline, now=NOW
    )
    rects = Rectification.objects.filter(finding__in=[p1.finding, p2.finding])
    assert rects.count() == 2
    assert {r.owner_org_id for r in rects} == {world.unit_a.pk}
    assert {r.effective_deadline for r in rects} == {deadline}
    rnd.refresh_from_db()
    assert rnd.rectification_task.targets.count() == 1
    with pytest.raises(PermissionDenied):
        services.send_problem(actor=world.unit_admin, reporter=a, description="x", deadline=deadline, now=NOW)


def test_report_is_filed_with_the_registry_figures_and_frozen_after_close(world):
    rnd = open_round(world, include_branches=True)
    a1 = rnd.reporters.get(organization=world.branch_a1)
    services.file_report(actor=world.secretary, reporter=a1, report="一年来……", now=NOW)
    a1.refresh_from_db()
    assert set(a1.report_figures) == set(rnd.indicators.values_list("metric", flat=True))
    with pytest.raises(PermissionDenied):
        services.file_report(actor=world.outsider, reporter=a1, report="x", now=NOW)
    services.close_round(actor=world.committee, round=rnd, now=NOW)
    with pytest.raises(ValidationError):
        services.file_report(actor=world.secretary, reporter=a1, report="改", now=NOW)
    assert Reporter.objects.get(pk=a1.pk).report == "一年来……"
    assert ReviewRound.objects.get(pk=rnd.pk).status == "closed"
