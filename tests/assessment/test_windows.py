"""The cycle's windows are enforced by date (Asia/Shanghai); the committee closes one early or moves dates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from assessment import reminders, services, windows
from assessment.models import AssessmentCycle, AssessmentStatus, BranchAssessment, CycleStatus, IndicatorResult
from branches.models import AuditEntry
from tests.assessment.factories import (
    FULL_INPUT,
    TEST_METRIC,
    advance_to,
    inputs_by_code,
    make_system,
    open_cycle,
    open_live_cycle,
    registered_metric,
)

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def at(month, day, hour=10, year=2026):
    """A moment in Beijing time (the portal's time zone)."""
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


# The factory's cycle: self-assessment to 12-10, review to 12-20, calibration to 12-25, appeals to 12-31.
SELF_AT, REVIEW_AT, CALIBRATE_AT, NOTICE_AT, AFTER = at(12, 5), at(12, 15), at(12, 22), at(12, 28), at(1, 2, year=2027)


@pytest.fixture
def cycle(world):
    with registered_metric(TEST_METRIC, {world.branch_a1.pk: 97.0}):
        yield open_cycle(make_system(), world.unit_a)


def _a(cycle, org):
    return BranchAssessment.objects.select_related("cycle").get(cycle=cycle, organization=org)


def _save(world, a, now, data=None, user=None):
    return services.save_self_assessment(
        actor=user or world.secretary, assessment=a, entries=inputs_by_code(a, data or FULL_INPUT), now=now
    )


def _submit(world, a, now=SELF_AT):
    _save(world, a, now)
    return services.submit_self_assessment(actor=world.secretary, assessment=a, confirm=True, now=now)


def _review(world, a, now):
    scores = {r.pk: {"score": str(r.self_score or 0)} for r in a.results.all()}
    return services.review_assessment(actor=world.unit_admin, assessment=a, scores=scores, now=now)


def _refused(fn, says):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        fn()
    assert any(says in m for m in exc.value.messages), exc.value.messages


# ---------------------------------------------------------------- which window is open


def test_the_open_window_follows_the_dates_in_beijing_time(world, cycle):
    assert windows.current(cycle, SELF_AT) == windows.SELF
    assert windows.current(cycle, at(12, 10, 23)) == windows.SELF  # the last day counts whole
    assert (
        windows.current(cycle, datetime.datetime(2026, 12, 10, 16, 30, tzinfo=UTC)) == windows.REVIEW
    )  # 00:30 on 11th
    assert windows.current(cycle, REVIEW_AT) == windows.REVIEW
    assert windows.current(cycle, CALIBRATE_AT) == windows.CALIBRATION
    assert windows.current(cycle, at(12, 26)) is None  # calibration date passed, nothing published
    steps = {w.code: w for w in windows.timeline(cycle, REVIEW_AT)}
    assert steps["self"].state == "past" and steps["review"].is_current and steps["calibration"].state == "future"
    assert (steps["review"].start, steps["review"].end) == (datetime.date(2026, 12, 11), datetime.date(2026, 12, 20))


# ---------------------------------------------------------------- refusals out of window


def test_a_secretary_cannot_save_add_evidence_or_submit_after_the_self_assessment_window(world, cycle):
    a = _a(cycle, world.branch_a1)
    _refused(lambda: _save(world, a, REVIEW_AT), "自评阶段已于 2026-12-10 结束")
    r = a.results.first()
    _refused(lambda: services.add_evidence(actor=world.secretary, result=r, link="/x/", now=REVIEW_AT), "自评阶段")
    _refused(
        lambda: services.submit_self_assessment(actor=world.secretary, assessment=a, confirm=True, now=REVIEW_AT),
        "如需延期，请联系工委",
    )
    assert not IndicatorResult.objects.filter(assessment=a, self_input__has_key="level").exists()
    assert _a(cycle, world.branch_a1).status == AssessmentStatus.DRAFT


def test_a_branch_sent_back_may_change_and_resubmit_during_review_but_not_after(world, cycle):
    a = _submit(world, _a(cycle, world.branch_a1))
    services.send_back(actor=world.unit_admin, assessment=a, reason="请补充材料", now=REVIEW_AT)
    a = _a(cycle, world.branch_a1)
    _save(world, a, REVIEW_AT, {"P1": {"level": "较好"}})
    services.submit_self_assessment(actor=world.secretary, assessment=a, confirm=True, now=REVIEW_AT)
    assert _a(cycle, world.branch_a1).status == AssessmentStatus.SUBMITTED
    services.send_back(actor=world.unit_admin, assessment=a, reason="再补充", now=at(12, 19))
    a = _a(cycle, world.branch_a1)
    _refused(lambda: _save(world, a, CALIBRATE_AT), "考评阶段已于 2026-12-20 结束，退回的自评不能再修改")


def test_a_review_is_refused_before_and_after_the_review_window(world, cycle):
    a = _submit(world, _a(cycle, world.branch_a1))
    _refused(lambda: _review(world, a, SELF_AT), "自评阶段结束（2026-12-10）后才能开始考评")
    _refused(lambda: _review(world, a, CALIBRATE_AT), "考评阶段已于 2026-12-20 结束")
    _refused(lambda: services.send_back(actor=world.unit_admin, assessment=a, reason="x", now=SELF_AT), "才能开始考评")
    assert _review(world, a, REVIEW_AT).status == AssessmentStatus.REVIEWED


def test_calibration_and_publication_happen_only_in_the_calibration_window(world, cycle):
    _submit(world, _a(cycle, world.branch_a1))
    _refused(
        lambda: services.start_calibration(actor=world.committee, cycle=cycle, now=REVIEW_AT),
        "考评阶段结束（2026-12-20）后才能综合评定",
    )
    _refused(
        lambda: services.start_calibration(actor=world.committee, cycle=cycle, now=at(12, 26)), "请先调整其截止日期"
    )
    assert AssessmentCycle.objects.get(pk=cycle.pk).status == CycleStatus.OPEN
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    _refused(lambda: services.publish_results(actor=world.committee, cycle=cycle, now=at(12, 26)), "综合评定阶段已于")
    services.publish_results(actor=world.committee, cycle=cycle, now=at(12, 25, 23))
    assert AssessmentCycle.objects.get(pk=cycle.pk).status == CycleStatus.NOTICE


def test_results_become_final_only_after_the_appeal_window(world, cycle):
    _submit(world, _a(cycle, world.branch_a1))
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    services.publish_results(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    cycle.refresh_from_db()
    assert windows.current(cycle, NOTICE_AT) == windows.NOTICE
    _refused(
        lambda: services.finalize_cycle(actor=world.committee, cycle=cycle, now=NOTICE_AT), "申诉期（至 2026-12-31）"
    )
    assert services.finalize_cycle(actor=world.committee, cycle=cycle, now=AFTER).status == CycleStatus.FINAL


# ---------------------------------------------------------------- closing early, moving dates


def test_the_committee_closes_windows_early_and_each_close_is_audited(world, cycle):
    a = _submit(world, _a(cycle, world.branch_a1))
    assert services.close_window(actor=world.committee, cycle=cycle, now=SELF_AT) == windows.SELF
    cycle.refresh_from_db()
    assert windows.current(cycle, SELF_AT) == windows.REVIEW
    _refused(
        lambda: _save(world, _a(cycle, world.branch_a2), SELF_AT, user=world.outsider), "自评阶段已于 2026-12-05 结束"
    )
    _review(world, a, SELF_AT)
    entry = AuditEntry.objects.get(action="assessment.window_closed", object_id=str(cycle.pk))
    assert entry.actor == world.committee and entry.after["window"] == "self"
    assert entry.before["self_closed_at"] is None and entry.after["self_closed_at"]
    assert services.close_window(actor=world.committee, cycle=cycle, now=SELF_AT) == windows.REVIEW
    services.start_calibration(actor=world.committee, cycle=cycle, now=SELF_AT)
    _refused(
        lambda: services.close_window(actor=world.committee, cycle=cycle, now=SELF_AT), "只有正在进行的自评或考评阶段"
    )


def test_only_the_committee_closes_a_window(world, cycle):
    with pytest.raises(PermissionDenied):
        services.close_window(actor=world.unit_admin, cycle=cycle, now=SELF_AT)
    assert AssessmentCycle.objects.get(pk=cycle.pk).self_closed_at is None


def test_extending_the_self_assessment_reopens_it_and_is_audited(world, cycle):
    services.close_window(actor=world.committee, cycle=cycle, now=SELF_AT)
    services.reschedule_cycle(actor=world.committee, cycle=cycle, now=REVIEW_AT, self_due=datetime.date(2026, 12, 17))
    cycle.refresh_from_db()
    assert cycle.self_closed_at is None and windows.current(cycle, REVIEW_AT) == windows.SELF
    _save(world, _a(cycle, world.branch_a1), REVIEW_AT)
    entry = AuditEntry.objects.get(action="assessment.cycle_rescheduled", object_id=str(cycle.pk))
    assert entry.before["self_due"] == "2026-12-10" and entry.after["self_due"] == "2026-12-17"


@pytest.mark.parametrize(
    ("dates", "says"),
    [
        ({"self_due": datetime.date(2026, 12, 1)}, "日期不能改到今天之前"),
        ({"review_due": datetime.date(2026, 12, 8)}, "各阶段时间须依次排列"),
        ({"appeal_until": datetime.date(2026, 12, 24)}, "各阶段时间须依次排列"),
    ],
)
def test_dates_cannot_move_into_the_past_or_out_of_order(world, cycle, dates, says):
    _refused(lambda: services.reschedule_cycle(actor=world.committee, cycle=cycle, now=SELF_AT, **dates), says)
    assert AssessmentCycle.objects.get(pk=cycle.pk).self_due == datetime.date(2026, 12, 10)


def test_the_dates_of_a_stage_already_over_stay(world, cycle):
    _submit(world, _a(cycle, world.branch_a1))
    services.start_calibration(actor=world.committee, cycle=cycle, now=CALIBRATE_AT)
    _refused(
        lambda: services.reschedule_cycle(
            actor=world.committee, cycle=cycle, now=CALIBRATE_AT, review_due=datetime.date(2026, 12, 24)
        ),
        "该阶段已结束",
    )
    services.reschedule_cycle(
        actor=world.committee, cycle=cycle, now=at(12, 26), calibration_due=datetime.date(2026, 12, 27)
    )
    services.publish_results(actor=world.committee, cycle=cycle, now=at(12, 26))  # the extension lets it publish


def test_a_window_closed_early_has_no_reminders_left(world, cycle):
    assert any(d.kind == "assessment.self_due" for d in reminders.due(datetime.date(2026, 12, 9)))
    services.close_window(actor=world.committee, cycle=cycle, now=SELF_AT)
    assert not any(d.kind == "assessment.self_due" for d in reminders.due(datetime.date(2026, 12, 9)))


# ---------------------------------------------------------------- pages


@pytest.fixture
def live(world):
    with registered_metric(TEST_METRIC, {world.branch_a1.pk: 97.0}):
        yield open_live_cycle(make_system(), world.unit_a)


def test_the_self_assessment_page_shows_the_window_and_refuses_out_of_it(world, live, client_for):
    a = _a(live, world.branch_a1)
    c = client_for(world.secretary)
    body = c.get(f"/assessment/branch/{a.pk}/self/").content.decode()
    assert 'data-testid="current-window"' in body and 'data-testid="submit"' in body
    advance_to(live, "review")
    body = c.get(f"/assessment/branch/{a.pk}/self/").content.decode()
    assert 'data-testid="window-closed"' in body and "自评阶段已于" in body
    assert 'data-testid="submit"' not in body and "填写自评" not in c.get("/assessment/").content.decode()
    p1 = next(r for r in a.results.all() if r.indicator.code == "P1")
    response = c.post(f"/assessment/branch/{a.pk}/self/", {f"input-{p1.pk}-level": "好", "action": "save"})
    assert response.status_code == 400 and "自评阶段已于" in response.content.decode()
    assert IndicatorResult.objects.get(pk=p1.pk).self_score is None


def test_the_review_page_waits_for_the_review_window(world, live, client_for):
    a = _a(live, world.branch_a1)
    services.save_self_assessment(actor=world.secretary, assessment=a, entries=inputs_by_code(a, FULL_INPUT))
    services.submit_self_assessment(actor=world.secretary, assessment=a, confirm=True)
    c = client_for(world.unit_admin)
    assert 'data-testid="to-review"' not in c.get("/assessment/").content.decode()
    body = c.get(f"/assessment/branch/{a.pk}/review/").content.decode()
    assert "才能开始考评" in body and 'data-testid="save-review"' not in body
    advance_to(live, "review")
    assert 'data-testid="to-review"' in c.get("/assessment/").content.decode()
    assert 'data-testid="save-review"' in c.get(f"/assessment/branch/{a.pk}/review/").content.decode()


def test_the_committee_closes_the_window_from_the_cycle_page(world, live, client_for):
    c = client_for(world.committee)
    body = c.get(f"/assessment/cycles/{live.pk}/").content.decode()
    assert 'data-testid="close-window"' in body and 'data-testid="calibrate"' not in body
    assert 'data-testid="calibration-hint"' in body
    assert c.post(f"/assessment/cycles/{live.pk}/close_window/").status_code == 302
    live.refresh_from_db()
    assert live.self_closed_at is not None and windows.current(live) == windows.REVIEW
    c.post(f"/assessment/cycles/{live.pk}/close_window/")
    body = c.get(f"/assessment/cycles/{live.pk}/").content.decode()
    assert 'data-testid="calibrate"' in body and 'data-testid="close-window"' not in body


def test_a_unit_admin_cannot_close_windows_or_move_dates(world, live, client_for):
    c = client_for(world.unit_admin)
    c.post(f"/assessment/cycles/{live.pk}/close_window/")
    assert AssessmentCycle.objects.get(pk=live.pk).self_closed_at is None
    assert c.get(f"/assessment/cycles/{live.pk}/windows/").status_code == 404
    assert 'data-testid="close-window"' not in c.get(f"/assessment/cycles/{live.pk}/").content.decode()


def test_the_committee_moves_the_dates_through_the_page(world, live, client_for):
    c = client_for(world.committee)
    body = c.get(f"/assessment/cycles/{live.pk}/windows/").content.decode()
    assert f'name="self_due" value="{live.self_due.isoformat()}"' in body  # the date picker shows the date
    dates = {f: getattr(live, f).isoformat() for f in services.DATE_FIELDS}
    later = (live.self_due + datetime.timedelta(days=3)).isoformat()
    assert c.post(f"/assessment/cycles/{live.pk}/windows/", {**dates, "self_due": later}).status_code == 302
    assert AssessmentCycle.objects.get(pk=live.pk).self_due.isoformat() == later
    response = c.post(f"/assessment/cycles/{live.pk}/windows/", {**dates, "self_due": "2020-01-01"})
    assert response.status_code == 400 and "日期不能改到今天之前" in response.content.decode()
    response = c.post(f"/assessment/cycles/{live.pk}/windows/", {**dates, "review_due": "不是日期"})
    assert response.status_code == 400


def test_the_api_says_which_window_is_open(world, live, api_for):
    rows = api_for(world.secretary).get("/api/v1/assessment-cycles/").json()["results"]
    assert [(r["id"], r["current_window"]) for r in rows] == [(live.pk, "self")]
    advance_to(live, "review")
    row = api_for(world.secretary).get(f"/api/v1/assessment-cycles/{live.pk}/").json()
    assert row["current_window"] == "review" and row["self_closed_at"]


def test_a_cycle_cannot_open_with_a_self_assessment_window_that_ends_before_it_starts(world):
    system = make_system()
    d = datetime.date
    with pytest.raises(ValidationError) as exc, translation.override("zh-hans"):
        services.open_cycle(
            actor=world.committee, system=system, root=world.unit_a, name="倒序考评",
            opens_on=d(2026, 12, 20), self_due=d(2026, 12, 10), review_due=d(2026, 12, 25),
            cutoff=d(2026, 12, 25), calibration_due=d(2026, 12, 28), notice_until=d(2026, 12, 30),
            appeal_until=d(2026, 12, 31),
        )  # fmt: skip
    assert "2026-12-10" in " ".join(exc.value.messages) and "2026-12-20" in " ".join(exc.value.messages)
    assert not AssessmentCycle.objects.filter(name="倒序考评").exists()


def test_the_database_refuses_windows_out_of_order(world, cycle):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentCycle.objects.filter(pk=cycle.pk).update(opens_on=cycle.self_due + datetime.timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentCycle.objects.filter(pk=cycle.pk).update(review_due=cycle.self_due - datetime.timedelta(days=1))


def test_the_timeline_of_an_old_cycle_made_later_never_ends_before_it_starts(world, cycle):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(opens_on=None)  # a cycle made before ``opens_on``
    cycle.refresh_from_db()
    for window in windows.timeline(cycle, AFTER):
        assert window.start is None or window.start <= window.end, window
