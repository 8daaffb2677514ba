"""Regulation dates and rules: 转正日期, 公示 working days, the shared calendar, elections, the
支委会 rule by committee presence, and the rules above the branch as data."""

import datetime
import io
import pathlib

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from branches import audit, elections, services
from branches.calendar import WorkCalendar
from branches.development import full_membership_date
from branches.meetings import compliance
from branches.models import (
    CalendarDay,
    CommitteePosition,
    FrequencyRule,
    Member,
    MemberCategory,
    StepKind,
    TermChange,
)
from branches.periods import parse
from branches.register import services as register

pytestmark = pytest.mark.django_db
D = datetime.date
AFTER = D(2026, 12, 31)


def _member(org, name="张三", category=MemberCategory.FULL, **extra):
    return services.create_member(actor=audit.SYSTEM, organization=org, name=name, category=category, **extra)


def _candidate_with_notice(world, notice: datetime.date):
    person = _member(world.branch_a1, name="王五", category=MemberCategory.APPLICANT)
    steps = [
        (StepKind.APPLICATION, D(2024, 1, 5)),
        (StepKind.ACTIVIST, D(2024, 3, 1)),
        (StepKind.CANDIDATE, D(2025, 3, 5)),
        (StepKind.PUBLIC_NOTICE, notice),
    ]
    for kind, day in steps:
        register.record_step(actor=world.secretary, member=person, kind=kind, date=day, today=AFTER)
    return person


# --- 转正日期 ---------------------------------------------------------------------------


def test_full_membership_date_is_the_same_calendar_day_one_year_after_admission():
    assert full_membership_date(D(2023, 3, 13)) == D(2024, 3, 13)
    # Across 29 February: 2023-03-01 + 365 days would be 2024-02-29, a day short.
    assert full_membership_date(D(2023, 3, 1)) == D(2024, 3, 1)
    assert full_membership_date(D(2024, 2, 29)) == D(2025, 2, 28)
    assert full_membership_date(D(2023, 3, 13), 6) == D(2024, 9, 13)


def test_conversion_stores_the_end_of_probation_not_the_conversion_meeting_date(world):
    person = _candidate_with_notice(world, D(2026, 2, 2))
    register.record_step(actor=world.secretary, member=person, kind=StepKind.ADMISSION, date=D(2026, 2, 9), today=AFTER)
    register.record_step(
        actor=world.secretary, member=person, kind=StepKind.CONVERSION, date=D(2027, 2, 20), today=D(2027, 3, 1)
    )
    person.refresh_from_db()
    assert person.join_date == D(2026, 2, 9)
    assert person.full_date == D(2027, 2, 9)


def test_conversion_after_an_extension_dates_from_the_end_of_the_extension(world):
    person = _candidate_with_notice(world, D(2025, 4, 1))
    register.record_step(
        actor=world.secretary, member=person, kind=StepKind.ADMISSION, date=D(2025, 4, 15), today=AFTER
    )
    register.record_step(
        actor=world.secretary, member=person, kind=StepKind.EXTENSION, date=D(2026, 4, 10), months=6, today=AFTER
    )
    register.record_step(
        actor=world.secretary, member=person, kind=StepKind.CONVERSION, date=D(2026, 10, 20), today=AFTER
    )
    person.refresh_from_db()
    assert person.full_date == D(2026, 10, 15)


def test_demo_full_dates_follow_the_calendar_year_rule():
    from branches import demo

    source = pathlib.Path(demo.__file__).read_text(encoding="utf-8")
    assert "timedelta(days=365)" not in source


# --- 公示: 5 working days on the shared calendar ----------------------------------------


def test_public_notice_across_qingming_lasts_five_working_days(world):
    # Posted Wed 1 April 2026: Apr 1, 2, 3, (4–6 清明), 7, 8 → ends Wed 8 April.
    person = _candidate_with_notice(world, D(2026, 4, 1))
    with pytest.raises(ValidationError) as exc:
        register.record_step(
            actor=world.secretary, member=person, kind=StepKind.ADMISSION, date=D(2026, 4, 7), today=AFTER
        )
    assert "2026-04-08" in str(exc.value) and "2026-04-09" in str(exc.value)
    with pytest.raises(ValidationError):
        register.record_step(
            actor=world.secretary, member=person, kind=StepKind.ADMISSION, date=D(2026, 4, 8), today=AFTER
        )
    register.record_step(actor=world.secretary, member=person, kind=StepKind.ADMISSION, date=D(2026, 4, 9), today=AFTER)
    nxt = register.pipeline([person], AFTER)[person.pk]
    assert StepKind.ADMISSION not in [s.kind for s in nxt]


def test_next_step_shows_when_the_notice_ends_and_warns_for_an_unloaded_year(world):
    person = _candidate_with_notice(world, D(2026, 4, 1))
    admission = [s for s in register.pipeline([person], AFTER)[person.pk] if s.kind == StepKind.ADMISSION][0]
    assert admission.earliest == D(2026, 4, 9) and admission.warning == ""
    cal = WorkCalendar()
    assert cal.missing_years(D(2026, 1, 1), D(2027, 1, 1)) == []
    assert cal.missing_years(D(2031, 5, 1)) == [2031]
    assert "2031" in cal.warning(D(2031, 5, 1)) and "load_holidays" in cal.warning(D(2031, 5, 1))


def test_the_calendar_lives_in_branches_and_supervision_shares_it():
    from supervision import calendar as supervision_calendar

    assert supervision_calendar.WorkCalendar is WorkCalendar
    assert CalendarDay._meta.app_label == "branches"
    assert CalendarDay.objects.filter(date=D(2026, 10, 1), kind="holiday").exists()


def test_a_year_of_holidays_is_loaded_by_a_management_command(tmp_path):
    path = tmp_path / "2031.csv"
    path.write_text(
        "# 2031\n2031-01-01,holiday,元旦\n2031-10-01~2031-10-07,holiday,国庆节\n2031-10-11,workday,国庆调休\n"
    )
    out = io.StringIO()
    call_command("load_holidays", "2031", str(path), stdout=out)
    assert "9 calendar days" in out.getvalue()
    cal = WorkCalendar()
    assert cal.missing_years(D(2031, 3, 1)) == []
    assert not cal.is_working_day(D(2031, 10, 3)) and cal.is_working_day(D(2031, 10, 11))


def test_a_holiday_list_from_another_year_is_refused(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.csv"
    path.write_text("2030-01-01,holiday,元旦\n")
    with pytest.raises(CommandError):
        call_command("load_holidays", "2031", str(path))


# --- Elections ----------------------------------------------------------------------


def test_an_election_with_four_fifths_or_fewer_attending_is_invalid(world):
    with pytest.raises(ValidationError) as exc:
        register.record_term(
            actor=world.secretary,
            organization=world.branch_a1,
            start=D(2024, 3, 1),
            expected_voters=10,
            present_voters=8,
        )
    assert "五分之四" in str(exc.value) and "选举工作条例" in str(exc.value)
    term = register.record_term(
        actor=world.secretary, organization=world.branch_a1, start=D(2024, 3, 1), expected_voters=10, present_voters=9
    )
    assert term.present_voters == 9


def test_a_candidate_needs_more_than_half_of_those_present(world):
    term = register.record_term(
        actor=world.secretary, organization=world.branch_a1, start=D(2024, 3, 1), expected_voters=10, present_voters=10
    )
    position = CommitteePosition.objects.get(code="organization")
    person = _member(world.branch_a1, name="赵六")
    with pytest.raises(ValidationError) as exc:
        register.add_seat(actor=world.secretary, term=term, member=person, position=position, votes=5)
    assert "半数" in str(exc.value)
    seat = register.add_seat(actor=world.secretary, term=term, member=person, position=position, votes=6)
    assert seat.votes == 6


def test_a_probationary_member_has_no_vote_and_cannot_be_elected(world):
    term = register.record_term(actor=world.secretary, organization=world.branch_a1, start=D(2024, 3, 1))
    person = _member(world.branch_a1, name="钱七", category=MemberCategory.PROBATIONARY)
    assert not elections.has_vote(person)
    assert elections.has_vote(_member(world.branch_a1, name="孙八"))
    with pytest.raises(ValidationError) as exc:
        register.add_seat(
            actor=world.secretary, term=term, member=person, position=CommitteePosition.objects.get(code="youth")
        )
    assert "选举工作条例" in str(exc.value)
    names = set(elections.voters(Member.objects.filter(organization=world.branch_a1)).values_list("name", flat=True))
    assert "钱七" not in names and "孙八" in names


def test_early_or_late_elections_need_a_full_approval_record_and_at_most_a_year(world):
    first = register.record_term(
        actor=world.secretary, organization=world.branch_a1, start=D(2021, 3, 1), end=D(2024, 3, 1)
    )
    approval = {
        "approval_authority": "甲局机关党委",
        "approval_reference": "甲党〔2024〕9号",
        "approval_date": D(2024, 2, 1),
    }
    with pytest.raises(ValidationError) as exc:
        register.record_term(
            actor=world.secretary,
            organization=world.branch_a1,
            start=D(2024, 9, 1),
            change=TermChange.LATE,
            approval_reference="甲党〔2024〕9号",
            approval_date=D(2024, 2, 1),
        )
    assert "审批单位" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        register.record_term(
            actor=world.secretary, organization=world.branch_a1, start=D(2025, 4, 1), change=TermChange.LATE, **approval
        )
    assert "任期意见" in str(exc.value)
    term = register.record_term(
        actor=world.secretary, organization=world.branch_a1, start=D(2025, 2, 1), change=TermChange.LATE, **approval
    )
    assert term.number == first.number + 1 and term.approval_authority == "甲局机关党委"


# --- 支委会 monthly rule by committee presence, and the rules above the branch --------------


def test_a_branch_with_a_secretary_only_owes_no_committee_meeting(world):
    for i in range(3):
        _member(world.branch_a2, name=f"党员{i}")
    oc = compliance.for_org(world.branch_a2, parse("2026-05"), today=AFTER)
    assert "committee" not in {s.kind for s in oc.slots}
    assert "theme_day" in {s.kind for s in oc.slots}


def test_a_branch_with_seven_full_members_owes_monthly_committee_meetings(world):
    for i in range(7):
        _member(world.branch_a2, name=f"党员{i}")
    oc = compliance.for_org(world.branch_a2, parse("2026-05"), today=AFTER)
    assert "committee" in {s.kind for s in oc.slots}


def test_a_branch_with_a_recorded_committee_owes_them_whatever_its_size(world):
    term = register.record_term(actor=world.secretary, organization=world.branch_a1, start=D(2026, 1, 5))
    register.add_seat(
        actor=world.secretary,
        term=term,
        member=world.members["secretary"],
        position=CommitteePosition.objects.get(code="secretary"),
    )
    oc = compliance.for_org(world.branch_a1, parse("2026-05"), today=AFTER)
    assert "committee" in {s.kind for s in oc.slots}


def test_committee_presence_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    """The rules, the first-topic kinds, the organisations' facts (groups, committee) and the meetings."""
    for i in range(8):
        _member(world.branch_a2, name=f"党员{i}")
    periods = [parse(f"2026-{m:02d}") for m in range(1, 13)]
    with django_assert_num_queries(4):
        compliance.compute([world.branch_a1, world.branch_a2, world.branch_b1], periods, today=AFTER)


def test_committee_presence_is_decided_per_branch_in_one_batch_with_the_threshold_as_data(world):
    """In one call: a current seat counts, an ended one does not; full members count up to the register rule's
    threshold, probationary members do not; party groups count only when active."""
    from branches.models import RegisterRule

    term = register.record_term(actor=world.committee, organization=world.branch_b1, start=D(2026, 1, 5))
    seat = register.add_seat(
        actor=world.committee, term=term, member=_member(world.branch_b1, name="委员"),
        position=CommitteePosition.objects.get(code="secretary"),
    )  # fmt: skip
    for i in range(4):
        _member(world.branch_a2, name=f"正式{i}")
        _member(world.branch_a2, name=f"预备{i}", category=MemberCategory.PROBATIONARY)
    facts = lambda: compliance.organisation_facts(  # noqa: E731
        [world.branch_a1.pk, world.branch_a2.pk, world.branch_b1.pk]
    )
    assert facts() == ({world.branch_a1.pk}, {world.branch_b1.pk})  # a2: 4 full members of 7
    RegisterRule.objects.filter(code="structure.branch.committee_at_full_members").update(value=4)
    assert facts()[1] == {world.branch_a2.pk, world.branch_b1.pk}
    seat.end = D(2026, 3, 1)
    seat.save()
    world.group_a1.is_active = False
    world.group_a1.save()
    assert facts() == (set(), {world.branch_a2.pk})


def test_rules_above_the_branch_exist_as_data():
    rows = set(FrequencyRule.objects.values_list("kind", "organization_kind"))
    assert ("party_committee", "party_committee") in rows
    assert ("committee", "general_branch") in rows
    assert ("central_group", "party_committee") in rows


def test_the_api_records_a_term_with_the_same_rules_as_the_page(world, api_for):
    client = api_for(world.secretary)
    url = "/api/v1/terms/record/"
    invalid = client.post(
        url,
        {"organization": world.branch_a1.pk, "start": "2025-03-01", "expected_voters": 10, "present_voters": 8},
        format="json",
    )
    assert invalid.status_code == 400 and "五分之四" in str(invalid.json())
    ok = client.post(
        url,
        {"organization": world.branch_a1.pk, "start": "2025-03-01", "expected_voters": 10, "present_voters": 9},
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["end"] == "2028-03-01"
    outside = client.post(url, {"organization": world.branch_b1.pk, "start": "2025-03-01"}, format="json")
    assert outside.status_code == 404
