"""Journeys of party dues: the secretary's year and month, a member's own dues, the unit's 6-month cases."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dues import bases, payments
from dues.ledger import add_months, first_of
from dues.models import ArrearsAction, DuesBase, Payment, Statement
from tests.dues.helpers import member, xlsx

pytestmark = pytest.mark.django_db(transaction=True)
BASE_HEADER = ["姓名*", "公民身份号码", "人员类别*", "月缴费基数*", "起始月份*"]
PAY_HEADER = ["姓名*", "公民身份号码", "党费月份*", "金额*"]


def test_secretary_imports_bases_records_the_payroll_list_and_prints_the_statement(world, login, live_server, tmp_path):
    member(world, "张一")
    member(world, "李二")
    today = timezone.localdate()
    last = add_months(first_of(today), -1)
    page = login("secretary")
    page.goto(f"{live_server.url}/dues/?org={world.branch_a1.pk}")
    page.get_by_test_id("base-import").click()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        xlsx(BASE_HEADER, [["张一", None, "在职", "5200", f"{today.year}-01"], ["王五", None, "在职", "x", ""]])
    )
    page.set_input_files("#id_file", str(bad))
    page.get_by_test_id("import-check").click()
    assert page.get_by_test_id("import-error-row").count() == 1
    good = tmp_path / "good.xlsx"
    good.write_bytes(
        xlsx(
            BASE_HEADER,
            [["张一", None, "在职", "5200", f"{today.year}-01"], ["李二", None, "离退休", "4000", "2026-01"]],
        )
    )
    page.set_input_files("#id_file", str(good))
    page.get_by_test_id("import-check").click()
    page.get_by_test_id("import-apply").click()
    assert "张一" in page.get_by_test_id("base-list").inner_text()
    assert DuesBase.objects.count() == 2

    page.goto(f"{live_server.url}/dues/payments/payroll/?org={world.branch_a1.pk}")
    payroll = tmp_path / "payroll.xlsx"
    payroll.write_bytes(
        xlsx(PAY_HEADER, [["张一", None, f"{last:%Y-%m}", "78.00"], ["李二", None, f"{last:%Y-%m}", "20"]])
    )
    page.set_input_files("#id_file", str(payroll))
    page.fill("#id_paid_on", last.replace(day=15).isoformat())
    page.get_by_test_id("import-check").click()
    page.get_by_test_id("import-apply").click()
    summary = page.get_by_test_id("collection-summary")
    assert summary.get_attribute("data-settled") == summary.get_attribute("data-owed")
    assert Payment.objects.filter(method="payroll").count() == 2

    page.goto(f"{live_server.url}/dues/statements/?org={world.branch_a1.pk}&period={last:%Y-%m}")
    page.get_by_test_id("statement-submit").get_by_role("button").click()
    assert page.get_by_test_id("statement-closing").inner_text() == "0.00"
    assert page.get_by_test_id("statement-payments").locator("tbody tr").count() == 2
    assert page.get_by_test_id("statement-print").is_visible()
    assert Statement.objects.get().collected == Decimal("98.00")


def test_a_member_sees_their_payments(world, login, live_server):
    person = world.members["member"]
    jan = datetime.date(2026, 1, 1)
    bases.record_base(
        actor=world.secretary, member=person, category="in_service", base=Decimal("6000"), effective_month=jan
    )
    p = payments.record_payment(
        actor=world.secretary, member=person, month=jan, amount=Decimal("90"), method="cash", paid_on=jan
    )
    page = login("member")
    page.get_by_role("link", name="我的党费").click()
    assert p.receipt_no in page.get_by_test_id("my-payments").inner_text()


def test_unit_admin_sees_the_rate_and_decides_a_six_month_case(world, login, live_server):
    today = timezone.localdate()
    person = member(world, "欠费人")
    bases.record_base(
        actor=world.secretary,
        member=person,
        category="in_service",
        base=Decimal("5000"),
        effective_month=add_months(first_of(today), -8),
    )
    page = login("unit_admin")
    page.goto(f"{live_server.url}/dues/?org={world.unit_a.pk}")
    assert "0.0%" in page.get_by_test_id("collection-by-month").inner_text()
    page.goto(f"{live_server.url}/dues/arrears/?org={world.unit_a.pk}")
    page.get_by_test_id("six-month-cases").click()
    assert page.get_by_test_id("arrears-cases").get_attribute("data-count") == "1"
    page.get_by_role("link", name="欠费人").click()
    form = page.get_by_test_id("decision-form")
    form.locator("#id_outcome").select_option("self_withdrawn")
    form.locator("#id_note").fill("经机关党委会研究，按自行脱党处理")
    page.get_by_test_id("decision-submit").click()
    assert "按自行脱党处理" in page.get_by_test_id("arrears-actions").inner_text()
    assert ArrearsAction.objects.get().kind == "decision"
