import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from branches.models import AuditEntry, MemberCategory
from dues import arrears, bases, ledger, payments, statements
from dues.models import ArrearsOutcome, DuesBase, DuesCategory, Payment, PaymentKind, ReductionKind, StatementStatus

from .helpers import member, with_base, xlsx

D = Decimal
JAN, FEB, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)
BASE_HEADER = ["姓名*", "公民身份号码", "人员类别*", "月缴费基数*", "起始月份*"]
PAY_HEADER = ["姓名*", "公民身份号码", "党费月份*", "金额*"]


def pay(world, person, month, amount, **kw):
    return payments.record_payment(
        actor=world.secretary,
        member=person,
        month=month,
        amount=D(amount),
        method=kw.pop("method", "cash"),
        paid_on=kw.pop("paid_on", month + datetime.timedelta(days=9)),
        **kw,
    )


@pytest.mark.django_db
def test_a_later_base_takes_over_from_its_month(world):
    p = with_base(world, member(world), "4000.00", JAN)
    with_base(world, p, "6000.00", MAR)
    lines = ledger.member_ledger(p, JAN, datetime.date(2026, 4, 1))
    assert [line.due for line in lines] == [D("40.00"), D("40.00"), D("90.00"), D("90.00")]


@pytest.mark.django_db
def test_probationary_members_owe_from_their_admission_month(world):
    p = member(world, "预备", join=datetime.date(2026, 3, 20), category=MemberCategory.PROBATIONARY)
    with_base(world, p, "3000.00", JAN)
    lines = ledger.member_ledger(p, JAN, datetime.date(2026, 5, 1))
    assert [line.month for line in lines] == [MAR, datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)]
    assert lines[0].due == D("15.00")


@pytest.mark.django_db
def test_a_reduction_applies_only_once_the_upper_committee_approves(world):
    p = with_base(world, member(world), "8000.00", JAN)
    r = bases.propose_reduction(
        actor=world.secretary,
        member=p,
        kind=ReductionKind.REDUCE,
        amount=D("20.00"),
        from_month=FEB,
        to_month=FEB,
        reason="家庭困难",
        branch_decision="支委会 2026-01-20",
    )
    assert [line.due for line in ledger.member_ledger(p, JAN, MAR)] == [D("120.00")] * 3
    with pytest.raises(PermissionDenied):
        bases.decide_reduction(actor=world.secretary, reduction=r, approve=True)
    bases.decide_reduction(actor=world.unit_admin, reduction=r, approve=True)
    assert [line.due for line in ledger.member_ledger(p, JAN, MAR)] == [D("120.00"), D("20.00"), D("120.00")]


@pytest.mark.django_db
def test_an_approved_exemption_makes_the_months_settled(world):
    p = with_base(world, member(world), "8000.00", JAN)
    r = bases.propose_reduction(
        actor=world.secretary,
        member=p,
        kind=ReductionKind.EXEMPT,
        from_month=JAN,
        to_month=None,
        reason="重病",
        branch_decision="支部党员大会",
    )
    bases.decide_reduction(actor=world.unit_admin, reduction=r, approve=True)
    assert all(line.settled and line.due == 0 for line in ledger.member_ledger(p, JAN, MAR))


@pytest.mark.django_db
def test_the_bases_import_lists_every_bad_row_and_saves_nothing(world):
    member(world, "张三")
    member(world, "李四")
    content = xlsx(
        BASE_HEADER,
        [
            ["张三", None, "在职", "5200.50", "2026-01"],
            ["王五", None, "在职", "5200", "2026-01"],
            ["李四", None, "外星人", "abc", "明年"],
        ],
    )
    result = bases.dry_run_bases(world.secretary, world.branch_a1, content)
    assert not result.ok and [p.row for p in result.problems] == [3, 4]
    assert len(result.problems[1].reasons) == 3
    with pytest.raises(ValidationError):
        bases.import_bases(actor=world.secretary, organization=world.branch_a1, content=content)
    assert not DuesBase.objects.exists()


@pytest.mark.django_db
def test_a_correct_bases_file_imports_every_row(world):
    member(world, "张三")
    member(world, "李四")
    content = xlsx(BASE_HEADER, [["张三", None, "在职", 5200.5, "2026-01"], ["李四", None, "离退休", "4000", "2026/1"]])
    rows = bases.import_bases(actor=world.secretary, organization=world.branch_a1, content=content)
    assert {(r.member.name, r.base, r.category) for r in rows} == {
        ("张三", D("5200.50"), DuesCategory.IN_SERVICE),
        ("李四", D("4000.00"), DuesCategory.RETIRED),
    }
    assert AuditEntry.objects.filter(action="dues.base_set").count() == 2


@pytest.mark.django_db
def test_the_sibling_branch_secretary_cannot_import_for_this_branch(world):
    with pytest.raises(PermissionDenied):
        bases.dry_run_bases(world.outsider, world.branch_a1, xlsx(BASE_HEADER, [["张三", None, "在职", 1, "2026-01"]]))


@pytest.mark.django_db
def test_receipts_are_numbered_per_branch_without_gaps(world):
    a = with_base(world, member(world, "甲"))
    b = member(world, "乙", org=world.branch_a2)
    bases.record_base(actor=world.outsider, member=b, category="in_service", base=D("1000"), effective_month=JAN)
    assert pay(world, a, JAN, "50").receipt_no == "2026-00001"
    assert pay(world, a, FEB, "50").receipt_no == "2026-00002"
    assert (
        payments.record_payment(
            actor=world.unit_admin, member=b, month=JAN, amount=D("5"), method="cash", paid_on=JAN
        ).receipt_no
        == "2026-00001"
    )


@pytest.mark.django_db
def test_a_voluntary_payment_of_1000_or_more_goes_to_the_centre(world):
    p = with_base(world, member(world))
    assert pay(world, p, JAN, "1000.00", kind=PaymentKind.VOLUNTARY).to_centre
    assert not pay(world, p, JAN, "999.99", kind=PaymentKind.VOLUNTARY).to_centre
    # Voluntary money does not settle the month's dues.
    assert not ledger.member_ledger(p, JAN, JAN)[0].settled
    assert not pay(world, p, JAN, "1000.00").to_centre


@pytest.mark.django_db
def test_a_correction_is_a_reversing_entry_and_the_original_stays(world):
    p = with_base(world, member(world))
    original = pay(world, p, JAN, "50")
    reversal = payments.reverse_payment(actor=world.secretary, payment=original, reason="记错人", on=FEB)
    original.refresh_from_db()
    assert original.amount == D("50.00") and reversal.amount == D("-50.00") and reversal.reverses == original
    assert not ledger.member_ledger(p, JAN, JAN)[0].settled
    with pytest.raises(ValidationError):
        payments.reverse_payment(actor=world.secretary, payment=original, reason="again", on=FEB)
    with pytest.raises(ValidationError):
        payments.reverse_payment(actor=world.secretary, payment=reversal, reason="undo", on=FEB)


@pytest.mark.django_db
def test_the_payroll_list_becomes_payments_all_or_nothing(world):
    with_base(world, member(world, "张三"))
    with_base(world, member(world, "李四"))
    bad = xlsx(PAY_HEADER, [["张三", None, "2026-01", "50"], ["李四", None, "2026-01", "-3"]])
    with pytest.raises(ValidationError):
        payments.import_payroll(actor=world.secretary, organization=world.branch_a1, content=bad, paid_on=JAN)
    assert not Payment.objects.exists()
    good = xlsx(PAY_HEADER, [["张三", None, "2026-01", "50"], ["李四", None, "2026-01", "50.00"]])
    rows = payments.import_payroll(actor=world.secretary, organization=world.branch_a1, content=good, paid_on=JAN)
    assert sorted(r.receipt_no for r in rows) == ["2026-00001", "2026-00002"]
    assert {r.method for r in rows} == {"payroll"}


@pytest.mark.django_db
def test_statements_reconcile_month_after_month(world):
    p = with_base(world, member(world))
    pay(world, p, JAN, "50", paid_on=datetime.date(2026, 1, 5))
    pay(world, p, JAN, "1200", kind=PaymentKind.VOLUNTARY, paid_on=datetime.date(2026, 1, 6))
    today = datetime.date(2026, 3, 10)
    jan = statements.submit_statement(
        actor=world.secretary, organization=world.branch_a1, month=JAN, remitted=D("1220.00"), today=today
    )
    assert (jan.opening, jan.collected, jan.to_centre, jan.remitted, jan.closing) == (
        D("0"),
        D("1250.00"),
        D("1200.00"),
        D("1220.00"),
        D("30.00"),
    )
    pay(world, p, FEB, "50", paid_on=datetime.date(2026, 2, 3))
    feb = statements.submit_statement(actor=world.secretary, organization=world.branch_a1, month=FEB, today=today)
    assert feb.opening == jan.closing and feb.closing == feb.opening + feb.collected - feb.remitted == 0
    with pytest.raises(ValidationError):
        statements.submit_statement(actor=world.secretary, organization=world.branch_a1, month=FEB, today=today)
    with pytest.raises(ValidationError):  # a remitted month is closed for new payments
        pay(world, p, FEB, "1", paid_on=datetime.date(2026, 2, 20))


@pytest.mark.django_db
def test_centre_money_must_be_remitted_in_full(world):
    p = with_base(world, member(world))
    pay(world, p, JAN, "1500", kind=PaymentKind.VOLUNTARY, paid_on=datetime.date(2026, 1, 6))
    with pytest.raises(ValidationError):
        statements.submit_statement(
            actor=world.secretary, organization=world.branch_a1, month=JAN, remitted=D("100"), today=MAR
        )


@pytest.mark.django_db
def test_only_the_upper_committee_records_receipt(world):
    s = statements.submit_statement(actor=world.secretary, organization=world.branch_a1, month=JAN, today=MAR)
    with pytest.raises(PermissionDenied):
        statements.record_receipt(actor=world.secretary, statement=s)
    assert statements.record_receipt(actor=world.unit_admin, statement=s).status == StatementStatus.RECEIVED


@pytest.mark.django_db
def test_three_and_six_month_cases(world):
    three = with_base(world, member(world, "三个月"), "5000", JAN)
    six = with_base(world, member(world, "六个月"), "5000", JAN)
    paid = with_base(world, member(world, "按时"), "5000", JAN)
    today = datetime.date(2026, 7, 15)  # January to June are complete
    for month in range(1, 7):
        pay(world, paid, datetime.date(2026, month, 1), "50")
        if month <= 3:
            pay(world, three, datetime.date(2026, month, 1), "50")
    found = {c.member.name: c.months for c in arrears.cases(world.branch_a1.members.all(), today)}
    assert found == {"三个月": 3, "六个月": 6}
    assert [c.member.name for c in arrears.cases(world.branch_a1.members.all(), today, minimum=6)] == ["六个月"]
    talk = arrears.record_talk(actor=world.secretary, member=three, date=today, note="已谈话", today=today)
    assert talk.months_unpaid == 3
    with pytest.raises(ValidationError):
        arrears.record_decision(
            actor=world.unit_admin, member=three, date=today, outcome=ArrearsOutcome.OTHER, note="x", today=today
        )
    with pytest.raises(PermissionDenied):
        arrears.record_decision(
            actor=world.secretary, member=six, date=today, outcome=ArrearsOutcome.OTHER, note="x", today=today
        )
    arrears.record_decision(
        actor=world.unit_admin,
        member=six,
        date=today,
        outcome=ArrearsOutcome.SELF_WITHDRAWN,
        note="党委会",
        today=today,
    )
    case = arrears.cases(world.branch_a1.members.all(), today, minimum=6)[0]
    assert case.decided and case.owed == D("300.00")
