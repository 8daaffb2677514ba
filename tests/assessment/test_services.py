import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment import services
from assessment.models import (
    AppealStatus,
    AssessmentStatus,
    BranchAssessment,
    CycleStatus,
    Evidence,
    Indicator,
    IndicatorResult,
    IndicatorSystem,
    Method,
    SystemStatus,
)
from branches import audit
from branches.models import AuditEntry, OrganizationKind
from branches.services import create_organization
from tests.assessment.factories import (
    FULL_INPUT,
    TEST_METRIC,
    inputs_by_code,
    make_system,
    open_cycle,
    registered_metric,
)

pytestmark = pytest.mark.django_db
# The factory's cycle: self-assessment to 12-10, review to 12-20, calibration to 12-25, appeals to 12-31.
NOW = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=datetime.UTC)  # self-assessment window
REVIEW_AT = datetime.datetime(2026, 12, 15, 10, 0, tzinfo=datetime.UTC)
CALIBRATE_AT = datetime.datetime(2026, 12, 22, 10, 0, tzinfo=datetime.UTC)
NOTICE_AT = datetime.datetime(2026, 12, 28, 10, 0, tzinfo=datetime.UTC)
AFTER_APPEALS = datetime.datetime(2027, 1, 2, 10, 0, tzinfo=datetime.UTC)


def _assessment(cycle, org):
    return BranchAssessment.objects.get(cycle=cycle, organization=org)


def _score(assessment, code):
    return IndicatorResult.objects.get(assessment=assessment, indicator__code=code)


@pytest.fixture
def metric_values(world):
    values = {world.branch_a1.pk: 97.0, world.branch_a2.pk: 90.0, world.branch_b1.pk: 50.0}
    with registered_metric(TEST_METRIC, values):
        yield values


@pytest.fixture
def cycle(world, metric_values):
    return open_cycle(make_system(), world.unit_a)


@pytest.mark.parametrize(
    ("code", "data", "expected"),
    [
        ("P1", {"level": "较好"}, "15"),
        ("T1", {"checked": [0, 2, 4]}, "15"),
        ("T1", {"checked": [0, 1, 2, 3, 4]}, "20"),  # 5 × 5 = 25 capped at 20
        ("M1", {"count": 2}, "14"),  # 20 − 2 × 3
        ("M1", {"count": 9}, "0"),  # floor 0
        ("R1", {"count": 2}, "8"),
        ("R1", {"count": 3}, "10"),  # 12 capped at 10
        ("R2", {}, "30"),  # computed 97% → 30 points
    ],
)
def test_every_scoring_method_gives_the_hand_computed_score(world, cycle, code, data, expected):
    a = _assessment(cycle, world.branch_a1)
    services.save_self_assessment(actor=world.secretary, assessment=a, entries=inputs_by_code(a, {code: data}), now=NOW)
    assert _score(a, code).self_score == Decimal(expected)


def test_a_computed_indicator_is_prefilled_from_the_metric_with_its_source(world, cycle):
    r = _score(_assessment(cycle, world.branch_a2), "R2")
    assert r.computed_value == 90.0
    assert r.computed_points == Decimal("24")
    assert r.self_score == Decimal("24")  # pre-filled
    assert r.computed_url == f"/drill/{world.branch_a2.pk}/"
    assert "测试合规率" in r.computed_source


def test_a_crafted_branch_totals_the_hand_computed_score(world, cycle):
    a = _assessment(cycle, world.branch_a1)
    data = {"P1": {"level": "较好"}, "T1": {"checked": [0, 2, 4]}, "M1": {"count": 2}, "R1": {"count": 2}}
    a = services.save_self_assessment(actor=world.secretary, assessment=a, entries=inputs_by_code(a, data), now=NOW)
    assert a.self_total == Decimal("15") + 15 + 14 + 8 + 30


def test_a_computed_indicator_without_a_registered_metric_is_not_auto_filled(world):
    system = make_system(metric="nobody.provides_this")
    cycle = open_cycle(system, world.unit_a)
    r = _score(_assessment(cycle, world.branch_a1), "R2")
    assert r.computed_value is None and r.computed_points is None
    assert "not available" in r.computed_source or "暂无" in r.computed_source
    a = _assessment(cycle, world.branch_a1)
    services.save_self_assessment(actor=world.secretary, assessment=a, entries=inputs_by_code(a, {"R2": {}}), now=NOW)
    assert _score(a, "R2").self_score is None


def test_a_scale_answer_outside_the_levels_is_refused_and_nothing_is_saved(world, cycle):
    a = _assessment(cycle, world.branch_a1)
    entries = inputs_by_code(a, {"P1": {"level": "很好很好"}, "M1": {"count": 1}})
    with pytest.raises(ValidationError):
        services.save_self_assessment(actor=world.secretary, assessment=a, entries=entries, now=NOW)
    assert _score(a, "M1").self_score is None


def test_a_secretary_cannot_assess_another_branch(world, cycle):
    a2 = _assessment(cycle, world.branch_a2)
    with pytest.raises(PermissionDenied):
        services.save_self_assessment(actor=world.secretary, assessment=a2, entries={}, now=NOW)


def _submit_full(world, cycle, org=None, user=None, data=None):
    a = _assessment(cycle, org or world.branch_a1)
    services.save_self_assessment(
        actor=user or world.secretary, assessment=a, entries=inputs_by_code(a, data or FULL_INPUT), now=NOW
    )
    return services.submit_self_assessment(actor=user or world.secretary, assessment=a, confirm=True, now=NOW)


def test_consistency_checks_flag_full_marks_without_evidence(world, cycle):
    a = _assessment(cycle, world.branch_a1)
    services.save_self_assessment(actor=world.secretary, assessment=a, entries=inputs_by_code(a, FULL_INPUT), now=NOW)
    flagged = {w["result"].indicator.code for w in services.consistency_warnings(a) if w["kind"] == "no_evidence"}
    assert flagged == {"P1", "T1", "M1", "R1"}


def test_consistency_checks_flag_evidence_dated_outside_the_year(world, cycle):
    a = _assessment(cycle, world.branch_a1)
    services.save_self_assessment(actor=world.secretary, assessment=a, entries=inputs_by_code(a, FULL_INPUT), now=NOW)
    services.add_evidence(
        actor=world.secretary,
        result=_score(a, "P1"),
        link="/orgs/1/",
        title="学习记录",
        dated=datetime.date(2025, 6, 1),
        now=NOW,
    )
    kinds = {(w["result"].indicator.code, w["kind"]) for w in services.consistency_warnings(a)}
    assert ("P1", "evidence_date") in kinds
    assert ("P1", "no_evidence") not in kinds


def test_consistency_checks_flag_a_self_score_contradicting_the_computed_value(world, cycle):
    a = _assessment(cycle, world.branch_a1)
    services.save_self_assessment(
        actor=world.secretary, assessment=a, entries=inputs_by_code(a, {"R2": {"manual": "20"}}), now=NOW
    )
    kinds = {(w["result"].indicator.code, w["kind"]) for w in services.consistency_warnings(a)}
    assert ("R2", "contradicts_computed") in kinds


def test_submitting_with_warnings_needs_confirmation(world, cycle):
    a = _assessment(cycle, world.branch_a1)
    services.save_self_assessment(actor=world.secretary, assessment=a, entries=inputs_by_code(a, FULL_INPUT), now=NOW)
    with pytest.raises(ValidationError):
        services.submit_self_assessment(actor=world.secretary, assessment=a, now=NOW)
    a = services.submit_self_assessment(actor=world.secretary, assessment=a, confirm=True, now=NOW)
    assert a.status == AssessmentStatus.SUBMITTED


def test_submitting_with_unscored_indicators_is_refused(world, cycle):
    a = _assessment(cycle, world.branch_a1)
    with pytest.raises(ValidationError, match="理论学习|Score every"):
        services.submit_self_assessment(actor=world.secretary, assessment=a, confirm=True, now=NOW)


def test_a_submitted_self_assessment_cannot_be_changed(world, cycle):
    a = _submit_full(world, cycle)
    with pytest.raises(ValidationError):
        services.save_self_assessment(
            actor=world.secretary, assessment=a, entries=inputs_by_code(a, FULL_INPUT), now=NOW
        )


def _review_all(world, a, overrides=None, reasons=None):
    scores = {}
    for r in a.results.select_related("indicator"):
        code = r.indicator.code
        scores[r.pk] = {
            "score": str((overrides or {}).get(code, r.self_score)),
            "reason": (reasons or {}).get(code, ""),
        }
    return services.review_assessment(actor=world.unit_admin, assessment=a, scores=scores, now=REVIEW_AT)


def test_a_review_differing_beyond_the_margin_needs_a_reason(world, cycle):
    a = _submit_full(world, cycle)
    with pytest.raises(ValidationError) as exc:
        _review_all(world, a, overrides={"P1": "15"})
    assert any("reason" in m or "理由" in m for m in exc.value.messages)
    a = _review_all(world, a, overrides={"P1": "15"}, reasons={"P1": "学习记录不全"})
    assert a.status == AssessmentStatus.REVIEWED and a.review_total == Decimal("95")


def test_a_review_within_the_margin_needs_no_reason(world, cycle):
    a = _submit_full(world, cycle)
    a = _review_all(world, a, overrides={"P1": "18"})
    assert _score(a, "P1").review_score == Decimal("18")


def test_a_reviewer_can_send_back_and_the_secretary_edits_again(world, cycle):
    a = _submit_full(world, cycle)
    services.send_back(actor=world.unit_admin, assessment=a, reason="请补充证明材料", now=REVIEW_AT)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.RETURNED
    services.save_self_assessment(
        actor=world.secretary, assessment=a, entries=inputs_by_code(a, {"P1": {"level": "一般"}}), now=NOW
    )
    assert _score(a, "P1").self_score == Decimal("8")


def test_a_secretary_cannot_review(world, cycle):
    a = _submit_full(world, cycle)
    with pytest.raises(PermissionDenied):
        services.send_back(actor=world.secretary, assessment=a, reason="x", now=REVIEW_AT)


def test_the_veto_forces_the_lowest_grade(world, cycle):
    a = _submit_full(world, cycle, data={**FULL_INPUT, "P2": {"triggered": True}})
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    a.refresh_from_db()
    assert a.final_total == Decimal("100")
    assert a.vetoed and a.grade.label == "不达标"


def test_a_full_score_without_veto_earns_the_top_grade_when_quota_allows(world, metric_values):
    system = make_system(quota=100)
    cycle = open_cycle(system, world.unit_a)
    a = _submit_full(world, cycle)
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    a.refresh_from_db()
    assert a.grade.label == "四强" and not a.vetoed


def test_the_quota_keeps_the_top_grade_within_its_share(world, metric_values):
    # six branches under unit_a, all scoring ≥ 90; quota 30% → at most 1 keeps 四强
    extra = [
        create_organization(
            actor=audit.SYSTEM, name=f"甲局第{i}党支部", kind=OrganizationKind.BRANCH, parent=world.unit_a
        )
        for i in range(3, 7)
    ]
    for org in extra:
        metric_values[org.pk] = 97.0
    metric_values[world.branch_a2.pk] = 97.0
    cycle = open_cycle(make_system(quota=30), world.unit_a)
    for i, org in enumerate([world.branch_a1, world.branch_a2, *extra]):
        a = _assessment(cycle, org)
        data = {**FULL_INPUT, "R1": {"count": i % 3}}  # totals 90 / 94 / 98
        services.save_self_assessment(actor=audit.SYSTEM, assessment=a, entries=inputs_by_code(a, data), now=NOW)
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    rows = list(BranchAssessment.objects.filter(cycle=cycle).select_related("grade"))
    tops = [a for a in rows if a.grade.label == "四强"]
    assert len(rows) == 6 and len(tops) == 1
    assert tops[0].final_total == max(a.final_total for a in rows)
    assert all(a.grade.label == "达标" for a in rows if a.quota_demoted)
    assert sum(a.quota_demoted for a in rows) == 5


def test_changing_the_metric_after_cut_off_does_not_change_a_final_score(world, cycle, metric_values):
    a = _submit_full(world, cycle)
    services.freeze_computed(actor=world.committee, cycle=cycle, now=NOW)
    metric_values[world.branch_a1.pk] = 40.0  # a meeting edited later
    diff = services.recompute_diff(cycle)
    assert any(d["result"].assessment_id == a.pk and d["new_points"] == Decimal("10") for d in diff)
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    services.publish_results(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    services.finalize_cycle(actor=world.committee, cycle=cycle, now=AFTER_APPEALS)
    a.refresh_from_db()
    assert _score(a, "R2").final_score == Decimal("30")
    assert a.final_total == Decimal("100")
    with pytest.raises(ValidationError):
        services.recompute(actor=world.committee, cycle=cycle, now=NOW)


def test_recompute_before_calibration_takes_the_new_value_and_is_audited(world, cycle, metric_values):
    metric_values[world.branch_a1.pk] = 86.0
    services.recompute(actor=world.committee, cycle=cycle, now=NOW)
    assert _score(_assessment(cycle, world.branch_a1), "R2").computed_points == Decimal("24")
    assert AuditEntry.objects.filter(action="assessment.recomputed").exists()


def test_published_results_are_read_only(world, cycle):
    a = _submit_full(world, cycle)
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    services.publish_results(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.PUBLISHED and a.is_read_only
    with pytest.raises(ValidationError):
        services.save_self_assessment(actor=world.secretary, assessment=a, entries={}, now=NOW)
    with pytest.raises(ValidationError):
        services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)


def test_an_accepted_appeal_changes_the_score_and_the_decision_is_recorded(world, cycle):
    a = _submit_full(world, cycle, data={**FULL_INPUT, "P1": {"level": "较好"}})
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    services.publish_results(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    appeal = services.file_appeal(actor=world.secretary, result=_score(a, "P1"), reason="学习记录齐全", now=NOTICE_AT)
    with pytest.raises(ValidationError):
        services.finalize_cycle(actor=world.committee, cycle=cycle, now=AFTER_APPEALS)
    services.decide_appeal(
        actor=world.committee, appeal=appeal, accept=True, decision="材料属实", new_score="20", now=NOTICE_AT
    )
    appeal.refresh_from_db()
    a.refresh_from_db()
    assert appeal.status == AppealStatus.ACCEPTED and appeal.decided_by == world.committee
    assert a.final_total == Decimal("100")
    services.finalize_cycle(actor=world.committee, cycle=cycle, now=AFTER_APPEALS)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.FINAL


def test_an_appeal_after_the_appeal_window_is_refused(world, cycle):
    a = _submit_full(world, cycle)
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    services.publish_results(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    late = datetime.datetime(2027, 1, 15, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        services.file_appeal(actor=world.secretary, result=_score(a, "P1"), reason="x", now=late)


def test_a_published_system_is_frozen_and_changes_make_a_new_version(world):
    system = make_system()
    assert system.status == SystemStatus.PUBLISHED
    dim = system.dimensions.first()
    veto = {"code": "X", "name": "x", "method": Method.VETO, "config": {"condition": "发生重大事故"}}
    with pytest.raises(ValidationError):
        services.add_indicator(actor=world.committee, dimension=dim, **veto)
    new = services.new_version(actor=world.committee, system=system)
    assert (new.year, new.version, new.status) == (system.year, 2, SystemStatus.DRAFT)
    assert Indicator.objects.filter(dimension__system=new).count() == 6
    services.add_indicator(actor=world.committee, dimension=new.dimensions.first(), **veto)
    assert Indicator.objects.filter(dimension__system=system).count() == 6


def test_last_years_system_can_be_copied_as_a_starting_point(world):
    system = make_system(year=2025)
    new = services.copy_system_to_year(actor=world.committee, system=system, year=2026)
    assert new.year == 2026 and new.name.startswith("2026") and new.grades.count() == 4
    with pytest.raises(ValidationError):
        services.copy_system_to_year(actor=world.committee, system=system, year=2026)


def test_only_committee_staff_publish_systems(world):
    system = make_system(publish=False)
    with pytest.raises(PermissionDenied):
        services.publish_system(actor=world.unit_admin, system=system)
    assert IndicatorSystem.objects.get(pk=system.pk).status == SystemStatus.DRAFT


def test_a_cycle_gives_each_branch_in_scope_one_result_per_indicator(world, cycle):
    orgs = set(cycle.assessments.values_list("organization_id", flat=True))
    assert orgs == {world.branch_a1.pk, world.branch_a2.pk}
    assert IndicatorResult.objects.filter(assessment__cycle=cycle).count() == 12


def test_every_change_is_audited_with_before_and_after(world, cycle):
    a = _submit_full(world, cycle)
    entry = AuditEntry.objects.filter(action="assessment.self_submitted", object_id=str(a.pk)).get()
    assert entry.actor == world.secretary
    assert entry.before["status"] == "draft" and entry.after["status"] == "submitted"


def test_file_evidence_is_stored_and_a_link_must_be_a_real_address(world, cycle):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = _score(_assessment(cycle, world.branch_a1), "P1")
    pdf = SimpleUploadedFile(
        "记录.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf"
    )
    e = services.add_evidence(actor=world.secretary, result=r, file=pdf, title="学习记录", now=NOW)
    assert Evidence.objects.get(pk=e.pk).content_type == "application/pdf"
    with pytest.raises(ValidationError):
        services.add_evidence(actor=world.secretary, result=r, link="javascript:alert(1)", now=NOW)


def test_named_model_units_carry_a_citation(world, cycle):
    _submit_full(world, cycle)
    with pytest.raises(ValidationError):
        services.name_honor(
            actor=world.committee, cycle=cycle, organization=world.branch_a1, kind="brand", citation="好"
        )
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    services.publish_results(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    honor = services.name_honor(
        actor=world.committee, cycle=cycle, organization=world.branch_a1, kind="brand", citation="红色先锋品牌"
    )
    assert honor.citation == "红色先锋品牌"
    with pytest.raises(ValidationError):
        services.name_honor(
            actor=world.committee, cycle=cycle, organization=world.branch_b1, kind="brand", citation="x"
        )


@pytest.mark.parametrize("link", ["//evil.example/", "javascript:alert(1)", "https://"])
def test_an_evidence_link_must_be_a_portal_page_or_http_with_a_host(world, cycle, link):
    """Security review F13: ``//host`` was accepted and redirected to."""
    a = _assessment(cycle, world.branch_a1)
    with pytest.raises(ValidationError):
        services.add_evidence(actor=world.secretary, result=_score(a, "P1"), link=link, title="外链", now=NOW)


def test_an_external_evidence_link_is_shown_as_leaving_the_portal(world, cycle, client_for):
    a = _assessment(cycle, world.branch_a1)
    e = services.add_evidence(
        actor=world.secretary, result=_score(a, "P1"), link="https://www.gov.cn/x", title="外链", now=NOW
    )
    response = client_for(world.secretary).get(f"/assessment/evidence/{e.pk}/")
    assert response.status_code == 200
    assert 'rel="noopener noreferrer external"' in response.content.decode()
