import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from branches.models import AuditEntry
from tests.training.factories import NOW, add_quiz, correct_answers, module_with_reading
from training import services
from training.models import Assignment, Attendance, ClaimStatus, HoursEntry

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def quiz_setup(world):
    module, reading = module_with_reading(world)
    quiz = add_quiz(module, questions=5, draw=3, attempt_limit=2)
    services.assign_module(actor=world.committee, module=module, organization=world.branch_a1, due_days=30, now=NOW)
    assignment = Assignment.objects.get(module=module, member=world.members["member"])
    return world, quiz, assignment


def test_quiz_draws_the_configured_number_of_questions(quiz_setup):
    world, quiz, assignment = quiz_setup
    attempt = services.start_attempt(
        actor=world.member, assignment=assignment, item=quiz, now=NOW, rng=random.Random(1)
    )
    assert len(attempt.question_ids) == 3 and len(set(attempt.question_ids)) == 3


def test_passing_the_quiz_scores_instantly_and_credits_hours(quiz_setup):
    world, quiz, assignment = quiz_setup
    attempt = services.start_attempt(actor=world.member, assignment=assignment, item=quiz, now=NOW)
    result = services.submit_attempt(
        actor=world.member, attempt=attempt, answers=correct_answers(attempt), now=NOW + datetime.timedelta(minutes=2)
    )
    assert result["attempt"].score_percent == 100 and result["attempt"].passed
    assert result["results"][0]["question"].explanation
    assert HoursEntry.objects.filter(item=quiz).count() == 1


def test_wrong_answers_fail_and_the_attempt_limit_holds(quiz_setup):
    world, quiz, assignment = quiz_setup
    for _ in range(2):
        attempt = services.start_attempt(actor=world.member, assignment=assignment, item=quiz, now=NOW)
        result = services.submit_attempt(actor=world.member, attempt=attempt, answers={}, now=NOW)
        assert result["attempt"].score_percent == 0 and not result["attempt"].passed
    with pytest.raises(ValidationError):
        services.start_attempt(actor=world.member, assignment=assignment, item=quiz, now=NOW)


def test_answers_after_the_time_limit_score_nothing(quiz_setup):
    world, quiz, assignment = quiz_setup
    attempt = services.start_attempt(actor=world.member, assignment=assignment, item=quiz, now=NOW)
    result = services.submit_attempt(
        actor=world.member, attempt=attempt, answers=correct_answers(attempt), now=NOW + datetime.timedelta(minutes=30)
    )
    assert result["late"] and not result["attempt"].passed
    assert not HoursEntry.objects.filter(item=quiz).exists()


def test_an_attempt_cannot_be_submitted_twice(quiz_setup):
    world, quiz, assignment = quiz_setup
    attempt = services.start_attempt(actor=world.member, assignment=assignment, item=quiz, now=NOW)
    services.submit_attempt(actor=world.member, attempt=attempt, answers={}, now=NOW)
    with pytest.raises(ValidationError):
        services.submit_attempt(actor=world.member, attempt=attempt, answers=correct_answers(attempt), now=NOW)


def test_ledger_rows_are_append_only_and_reversal_is_a_negative_row(quiz_setup):
    world, quiz, assignment = quiz_setup
    attempt = services.start_attempt(actor=world.member, assignment=assignment, item=quiz, now=NOW)
    services.submit_attempt(actor=world.member, attempt=attempt, answers=correct_answers(attempt), now=NOW)
    entry = HoursEntry.objects.get(item=quiz)
    entry.hours = 99
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    entry.refresh_from_db()
    rev = services.reverse_entry(actor=world.committee, entry=entry, reason="误记", now=NOW)
    assert rev.hours == -entry.hours and rev.reverses_id == entry.pk
    assert services.hours_in_year(world.members["member"], 2026) == 0
    with pytest.raises(ValidationError):
        services.reverse_entry(actor=world.committee, entry=entry, reason="再次", now=NOW)


def test_secretary_approves_a_claim_with_evidence_and_hours_are_credited(world):
    claim = services.submit_claim(
        actor=world.member, title="学习强国专题", hours="3", year=2026,
        evidence=SimpleUploadedFile("cert.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.review_claim(actor=world.outsider, claim=claim, approve=True, now=NOW)
    services.review_claim(actor=world.secretary, claim=claim, approve=True, now=NOW)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert services.hours_in_year(world.members["member"], 2026) == 3
    assert AuditEntry.objects.filter(action="study.claim_reviewed").exists()


def test_a_claim_without_evidence_is_refused(world):
    with pytest.raises(ValidationError):
        services.submit_claim(actor=world.member, title="学习", hours="3", year=2026, evidence=None)


def test_rejecting_a_claim_needs_a_reason_and_credits_nothing(world):
    claim = services.submit_claim(
        actor=world.member, title="党校培训", hours="8", year=2026,
        evidence=SimpleUploadedFile("c.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.review_claim(actor=world.secretary, claim=claim, approve=False, now=NOW)
    services.review_claim(actor=world.secretary, claim=claim, approve=False, note="证书不清晰", now=NOW)
    assert services.hours_in_year(world.members["member"], 2026) == 0


def test_secretaries_and_committee_members_have_the_higher_target(world):
    assert services.target_hours(world.members["member"]) == 32
    assert services.target_hours(world.members["secretary"]) == 56


def _class(world):
    module, _r = module_with_reading(world, title="补学：党章")
    tc = services.create_class(
        actor=world.committee,
        organization=world.root,
        title="支部书记培训班",
        roster=[world.members["member"], world.members["secretary"], world.members["outsider"]],
        makeup_module=module,
    )
    session = services.add_session(
        actor=world.committee,
        training_class=tc,
        title="第一讲",
        starts_at=NOW,
        ends_at=NOW + datetime.timedelta(hours=2),
    )
    return module, tc, session


def test_sign_in_by_code_during_the_session_credits_class_hours(world):
    _m, _tc, session = _class(world)
    with pytest.raises(ValidationError):
        services.sign_in(actor=world.member, session=session, code="wrong", now=NOW)
    with pytest.raises(ValidationError):
        services.sign_in(
            actor=world.member, session=session, code=session.sign_in_code, now=NOW - datetime.timedelta(hours=3)
        )
    services.sign_in(
        actor=world.member, session=session, code=session.sign_in_code, now=NOW + datetime.timedelta(minutes=5)
    )
    services.sign_in(
        actor=world.member, session=session, code=session.sign_in_code, now=NOW + datetime.timedelta(minutes=6)
    )
    assert services.hours_in_year(world.members["member"], 2026) == 2


def test_people_off_the_roster_cannot_sign_in(world):
    _m, _tc, session = _class(world)
    with pytest.raises(PermissionDenied):
        services.sign_in(actor=world.unit_admin, session=session, code=session.sign_in_code, now=NOW)


def test_absentees_and_people_on_leave_get_a_makeup_assignment_when_the_session_closes(world):
    module, _tc, session = _class(world)
    services.sign_in(actor=world.member, session=session, code=session.sign_in_code, now=NOW)
    services.request_leave(actor=world.secretary, session=session, reason="出差", now=NOW)
    with pytest.raises(ValidationError):
        services.close_session(actor=world.committee, session=session, now=NOW)
    made = services.close_session(actor=world.committee, session=session, now=NOW + datetime.timedelta(hours=3))
    assert made == 2
    assert set(Assignment.objects.filter(module=module, is_makeup=True).values_list("member__name", flat=True)) == {
        "secretary-党员",
        "outsider-党员",
    }
    assert Attendance.objects.get(session=session, member=world.members["outsider"]).status == "absent"


def test_reading_html_is_sanitised_on_save(world):
    _module, reading = module_with_reading(world)
    from training.models import ItemKind

    item = services.add_item(
        actor=world.committee, module=reading.module, kind=ItemKind.READING, title="x",
        body='<p onclick="x()">正文<script>alert(1)</script><a href="javascript:alert(1)">链接</a></p>',
    )  # fmt: skip
    assert item.body == "<p>正文<a>链接</a></p>"


def test_changing_the_study_policy_in_the_admin_is_audited(world, client_for):
    from tests.world import make_user
    from training.models import StudyPolicy

    admin_user = make_user("sysadmin-t", is_staff=True, is_superuser=True)
    policy = StudyPolicy.objects.get(name="default")
    url = f"/admin/training/studypolicy/{policy.pk}/change/"
    data = {f.name: getattr(policy, f.name) for f in StudyPolicy._meta.concrete_fields if f.name != "id"}
    data["daily_cap_minutes"] = 180
    r = client_for(admin_user).post(url, data)
    assert r.status_code == 302
    entry = AuditEntry.objects.get(action="study.policy_changed")
    assert entry.before["daily_cap_minutes"] == 240 and entry.after["daily_cap_minutes"] == 180


def test_a_member_seated_as_organising_committee_member_has_the_56_hour_target(world):
    from branches import audit, register
    from branches.models import CommitteePosition

    member = world.members["member"]
    assert services.target_hours(member) == 32
    term = register.record_term(actor=audit.SYSTEM, organization=world.branch_a1, start=datetime.date(2025, 1, 1))
    position = CommitteePosition.objects.get(code="organization")  # 组织委员
    seat = register.add_seat(
        actor=audit.SYSTEM, term=term, member=member, position=position, start=datetime.date(2025, 1, 1)
    )
    assert services.target_hours(member) == 56
    seat.end = datetime.date(2025, 6, 30)  # left the 班子: back to the members' target
    seat.save(update_fields=["end"])
    assert services.target_hours(member) == 32
