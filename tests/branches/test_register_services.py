import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from branches import audit, rules, services
from branches.models import (
    AuditEntry,
    CommitteePosition,
    CommitteeSeat,
    Member,
    MemberCategory,
    MemberEvent,
    MemberStatus,
    Organization,
    RegisterRule,
    StepKind,
    TermChange,
    Transfer,
    TransferStatus,
)
from branches.register import services as register

pytestmark = pytest.mark.django_db
D = datetime.date


def _member(org, name="张三", category=MemberCategory.FULL, **extra):
    return services.create_member(actor=audit.SYSTEM, organization=org, name=name, category=category, **extra)


def test_rule_data_is_seeded_with_the_documented_defaults(world):
    values = rules.all_values()
    assert values["development.probation.months"] == 12
    assert values["development.talk.within_months"] == 1
    assert values["transfer.validity.in_province_months"] == 3
    assert values["transfer.validity.cross_province_months"] == 6
    assert values["term.branch.years"] == 3 and values["term.party_committee.years"] == 5
    assert set(CommitteePosition.objects.values_list("name", flat=True)) >= {
        "书记",
        "副书记",
        "组织委员",
        "宣传委员",
        "纪检委员",
    }


def test_a_new_term_defaults_to_the_kind_length_and_updates_the_organisation(world):
    term = register.record_term(actor=world.secretary, organization=world.branch_a1, start=D(2024, 3, 1))
    assert term.end == D(2027, 3, 1) and term.number == 1
    org = Organization.objects.get(pk=world.branch_a1.pk)
    assert (org.term_start, org.term_end) == (D(2024, 3, 1), D(2027, 3, 1))
    assert AuditEntry.objects.filter(action="term.create", object_id=str(term.pk)).exists()


def test_term_length_follows_the_rule_data_not_a_constant(world):
    RegisterRule.objects.filter(code="term.branch.years").update(value=4)
    term = register.record_term(actor=world.secretary, organization=world.branch_a1, start=D(2024, 3, 1))
    assert term.end == D(2028, 3, 1)


def test_an_early_election_without_approval_is_refused(world):
    with pytest.raises(ValidationError):
        register.record_term(
            actor=world.secretary, organization=world.branch_a1, start=D(2024, 3, 1), change=TermChange.EARLY
        )
    term = register.record_term(
        actor=world.secretary,
        organization=world.branch_a1,
        start=D(2024, 3, 1),
        change=TermChange.EARLY,
        approval_authority="甲局机关党委",
        approval_reference="甲局党委〔2024〕3号",
        approval_date=D(2024, 2, 20),
    )
    assert term.change == TermChange.EARLY


def test_more_present_than_entitled_is_refused(world):
    with pytest.raises(ValidationError):
        register.record_term(
            actor=world.secretary,
            organization=world.branch_a1,
            start=D(2024, 3, 1),
            expected_voters=5,
            present_voters=6,
        )


def test_secretary_cannot_record_a_term_for_a_sibling_branch(world):
    with pytest.raises(PermissionDenied):
        register.record_term(actor=world.secretary, organization=world.branch_a2, start=D(2024, 3, 1))


def test_a_new_term_ends_the_previous_committee_and_keeps_the_history(world):
    person = world.members["secretary"]
    first = register.record_term(actor=world.secretary, organization=world.branch_a1, start=D(2021, 3, 1))
    secretary = CommitteePosition.objects.get(code="secretary")
    register.add_seat(actor=world.secretary, term=first, member=person, position=secretary)
    register.record_term(actor=world.secretary, organization=world.branch_a1, start=D(2024, 3, 1))
    seat = CommitteeSeat.objects.get(term=first)
    assert seat.end == D(2024, 3, 1)
    kinds = list(MemberEvent.objects.filter(member=person).values_list("kind", flat=True))
    assert "position_start" in kinds and "position_end" in kinds


def test_a_committee_has_only_one_sitting_secretary(world):
    term = register.record_term(actor=world.secretary, organization=world.branch_a1, start=D(2024, 3, 1))
    secretary = CommitteePosition.objects.get(code="secretary")
    register.add_seat(actor=world.secretary, term=term, member=world.members["secretary"], position=secretary)
    with pytest.raises(ValidationError):
        register.add_seat(actor=world.secretary, term=term, member=world.members["member"], position=secretary)


def test_a_committee_member_must_belong_to_the_organisation(world):
    term = register.record_term(actor=world.unit_admin, organization=world.branch_a1, start=D(2024, 3, 1))
    with pytest.raises(ValidationError):
        register.add_seat(
            actor=world.unit_admin,
            term=term,
            member=world.members["outsider"],
            position=CommitteePosition.objects.get(code="organization"),
        )


def test_structure_warnings_flag_small_large_and_committee_less_branches(world):
    warnings = register.structure_warnings_many([world.branch_a1, world.branch_a2])
    assert [w.code for w in warnings[world.branch_a1.pk]] == ["too_few_full"]
    # Only active full members count: not an applicant, a probationary member, or one transferred out.
    _member(world.branch_a1, name="申请人", category=MemberCategory.APPLICANT)
    _member(world.branch_a1, name="预备", category=MemberCategory.PROBATIONARY)
    Member.objects.filter(pk=_member(world.branch_a1, name="转出").pk).update(status=MemberStatus.TRANSFERRED_OUT)
    _member(world.branch_a2, name="乙")
    warnings = register.structure_warnings_many([world.branch_a1, world.branch_a2])
    assert [w.message for w in warnings[world.branch_a1.pk]] == ["正式党员仅 2 名：成立党支部至少需要 3 名。"]
    assert "正式党员仅 2 名" in warnings[world.branch_a2.pk][0].message  # the outsider and 乙, counted per branch
    for i in range(8):
        _member(world.branch_a2, name=f"成员{i}")
    codes = [w.code for w in register.structure_warnings_many([world.branch_a2])[world.branch_a2.pk]]
    assert codes == ["no_committee"]
    for i in range(45):
        _member(world.branch_a2, name=f"大支部{i}")
    codes = [w.code for w in register.structure_warnings_many([world.branch_a2])[world.branch_a2.pk]]
    assert "too_large" in codes


def test_recording_steps_moves_the_category_and_writes_history(world):
    person = _member(world.branch_a1, category=MemberCategory.APPLICANT)
    today = D(2026, 6, 1)
    register.record_step(
        actor=world.secretary, member=person, kind=StepKind.APPLICATION, date=D(2024, 1, 5), today=today
    )
    register.record_step(actor=world.secretary, member=person, kind=StepKind.ACTIVIST, date=D(2024, 3, 1), today=today)
    assert Member.objects.get(pk=person.pk).category == MemberCategory.ACTIVIST
    assert MemberEvent.objects.filter(member=person, kind="category").exists()
    assert MemberEvent.objects.filter(member=person, kind="development").count() == 2


def test_a_candidate_needs_a_year_of_cultivation(world):
    person = _member(world.branch_a1, category=MemberCategory.APPLICANT)
    today = D(2026, 6, 1)
    register.record_step(
        actor=world.secretary, member=person, kind=StepKind.APPLICATION, date=D(2025, 1, 5), today=today
    )
    register.record_step(actor=world.secretary, member=person, kind=StepKind.ACTIVIST, date=D(2025, 3, 1), today=today)
    with pytest.raises(ValidationError):
        register.record_step(
            actor=world.secretary, member=person, kind=StepKind.CANDIDATE, date=D(2026, 2, 1), today=today
        )
    register.record_step(actor=world.secretary, member=person, kind=StepKind.CANDIDATE, date=D(2026, 3, 1), today=today)


def test_a_step_cannot_skip_its_predecessor(world):
    person = _member(world.branch_a1, category=MemberCategory.APPLICANT)
    with pytest.raises(ValidationError):
        register.record_step(actor=world.secretary, member=person, kind=StepKind.ADMISSION, date=D(2025, 1, 5))


def test_probation_may_be_extended_once_by_six_to_twelve_months(world):
    person = _member(world.branch_a1, category=MemberCategory.APPLICANT)
    today = D(2026, 6, 1)
    for kind, day in [
        (StepKind.APPLICATION, D(2023, 1, 5)),
        (StepKind.ACTIVIST, D(2023, 2, 1)),
        (StepKind.CANDIDATE, D(2024, 3, 1)),
        (StepKind.PUBLIC_NOTICE, D(2024, 4, 1)),
        (StepKind.ADMISSION, D(2024, 5, 1)),
    ]:
        register.record_step(actor=world.secretary, member=person, kind=kind, date=day, today=today)
    with pytest.raises(ValidationError):
        register.record_step(
            actor=world.secretary, member=person, kind=StepKind.EXTENSION, date=D(2025, 5, 1), months=3, today=today
        )
    register.record_step(
        actor=world.secretary, member=person, kind=StepKind.EXTENSION, date=D(2025, 5, 1), months=6, today=today
    )
    with pytest.raises(ValidationError):
        register.record_step(
            actor=world.secretary, member=person, kind=StepKind.EXTENSION, date=D(2025, 5, 2), months=6, today=today
        )
    with pytest.raises(ValidationError):  # probation now ends 2025-11-01
        register.record_step(
            actor=world.secretary, member=person, kind=StepKind.CONVERSION, date=D(2025, 10, 1), today=today
        )
    register.record_step(
        actor=world.secretary, member=person, kind=StepKind.CONVERSION, date=D(2025, 11, 1), today=today
    )
    person.refresh_from_db()
    assert (
        person.category == MemberCategory.FULL
        and person.full_date == D(2025, 11, 1)
        and person.join_date == D(2024, 5, 1)
    )


def test_the_pipeline_shows_an_overdue_talk(world):
    person = _member(world.branch_a1, category=MemberCategory.APPLICANT)
    register.record_step(
        actor=world.secretary, member=person, kind=StepKind.APPLICATION, date=D(2026, 1, 5), today=D(2026, 3, 1)
    )
    steps = register.pipeline([person], D(2026, 3, 1))[person.pk]
    talk = next(s for s in steps if s.kind == StepKind.TALK)
    assert talk.due == D(2026, 2, 5) and talk.overdue
    early = register.pipeline([person], D(2026, 1, 20))[person.pk]
    assert not next(s for s in early if s.kind == StepKind.TALK).overdue


def test_a_transfer_is_issued_with_a_validity_from_the_rule_data(world):
    person = world.members["member"]
    letter = register.issue_transfer(
        actor=world.secretary, member=person, to_org=world.branch_b1, issued_on=D(2026, 1, 10), scope="cross_province"
    )
    assert letter.expires_on == D(2026, 7, 10) and letter.status == TransferStatus.ISSUED
    assert MemberEvent.objects.filter(member=person, kind="transfer_out").exists()


def test_the_receiver_accepts_and_the_member_moves_with_history_kept(world):
    person = world.members["member"]
    letter = register.issue_transfer(actor=world.secretary, member=person, to_org=world.branch_b1)
    with pytest.raises(PermissionDenied):
        register.accept_transfer(actor=world.secretary, transfer=letter)
    register.accept_transfer(actor=world.other_admin, transfer=letter)
    person.refresh_from_db()
    assert person.organization == world.branch_b1
    letter.refresh_from_db()
    assert letter.status == TransferStatus.ACCEPTED and letter.from_org == world.branch_a1
    assert list(MemberEvent.objects.filter(member=person).values_list("kind", flat=True))[-2:] == [
        "transfer_out",
        "transfer_in",
    ]


def test_a_rejection_needs_a_reason_and_leaves_the_member_in_place(world):
    person = world.members["member"]
    letter = register.issue_transfer(actor=world.secretary, member=person, to_org=world.branch_b1)
    with pytest.raises(ValidationError):
        register.reject_transfer(actor=world.other_admin, transfer=letter, reason=" ")
    register.reject_transfer(actor=world.other_admin, transfer=letter, reason="材料不全")
    person.refresh_from_db()
    assert person.organization == world.branch_a1
    assert Transfer.objects.get(pk=letter.pk).decision_reason == "材料不全"


def test_letters_expire_and_cannot_be_accepted_afterwards(world):
    letter = register.issue_transfer(
        actor=world.secretary, member=world.members["member"], to_org=world.branch_b1, issued_on=D(2026, 1, 10)
    )
    with pytest.raises(ValidationError):
        register.accept_transfer(actor=world.other_admin, transfer=letter, today=D(2026, 4, 11))
    assert register.expire_transfers(today=D(2026, 4, 11)) == 1
    assert register.expire_transfers(today=D(2026, 4, 11)) == 0
    assert Transfer.objects.get(pk=letter.pk).status == TransferStatus.EXPIRED
    assert AuditEntry.objects.filter(action="transfer.expire", actor__isnull=True).exists()


def test_secretary_cannot_transfer_a_member_of_another_branch(world):
    with pytest.raises(PermissionDenied):
        register.issue_transfer(actor=world.secretary, member=world.members["outsider"], to_org=world.branch_b1)


def test_only_one_open_letter_per_member(world):
    register.issue_transfer(actor=world.secretary, member=world.members["member"], to_org=world.branch_b1)
    with pytest.raises(ValidationError):
        register.issue_transfer(actor=world.secretary, member=world.members["member"], to_org=world.branch_a2)


def test_both_ends_see_the_letter_and_a_third_does_not(world):
    letter = register.issue_transfer(actor=world.secretary, member=world.members["member"], to_org=world.branch_b1)
    assert Transfer.objects.visible_to(world.secretary).filter(pk=letter.pk).exists()
    assert Transfer.objects.visible_to(world.other_admin).filter(pk=letter.pk).exists()
    assert not Transfer.objects.visible_to(world.outsider).filter(pk=letter.pk).exists()
