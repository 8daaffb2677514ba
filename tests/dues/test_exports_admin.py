"""The monthly statement as Excel (the one Excel layer: print setup, local dates, reconciled figures), the
subtree's remittance register, and the dues settings in the admin (audited)."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import AuditEntry
from dues import payments, statements
from dues.models import DuesSettings, PaymentKind

from .helpers import member, with_base

pytestmark = pytest.mark.django_db
JAN = datetime.date(2026, 1, 1)


def _statement(world):
    p = with_base(world, member(world, name="张三"))
    for day, amount, kind in ((5, "50", PaymentKind.REGULAR), (6, "1200", PaymentKind.VOLUNTARY)):
        payments.record_payment(
            actor=world.secretary,
            member=p,
            month=JAN,
            amount=D(amount),
            method="cash",
            paid_on=datetime.date(2026, 1, day),
            kind=kind,
        )
    return statements.submit_statement(
        actor=world.secretary,
        organization=world.branch_a1,
        month=JAN,
        remitted=D("1220.00"),
        today=datetime.date(2026, 3, 10),
    )


def test_the_monthly_statement_exports_reconciled_with_its_receipts(world, client_for, django_assert_max_num_queries):
    s = _statement(world)
    c = client_for(world.secretary)
    url = reverse("dues:statement_detail", args=[s.pk]) + "?format=xlsx"
    c.get(url)
    with django_assert_max_num_queries(12):
        response = c.get(url)
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == f"{world.branch_a1.name}2026年1月党费收缴报表"
    pairs = [v for v in rows[1] + rows[2] if v is not None]
    figures = dict(zip(pairs[::2], pairs[1::2], strict=True))
    assert figures["期初结余"] + figures["本月收缴"] - figures["本月上缴"] == figures["期末结余"] == 30
    assert figures["其中全额上缴中央"] == 1200
    header = rows.index(next(r for r in rows if r and r[0] == "收据号"))
    receipts = rows[header + 1 : -1]
    assert [r[0] for r in receipts] == ["2026-00001", "2026-00002"]
    assert receipts[0][4] != receipts[1][4] and "voluntary" not in receipts[1][4]  # kinds in Chinese
    assert receipts[0][6] == datetime.datetime(2026, 1, 5)  # a date cell
    assert rows[-1][0] == "合计" and rows[-1][3] == 1250
    assert (
        ws.print_title_rows == "$5:$5" and ws.freeze_panes == "A6" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    )
    assert client_for(world.outsider).get(url).status_code == 404


def test_the_remittance_register_of_a_subtree(world, client_for):
    s = _statement(world)
    c = client_for(world.committee)
    response = c.get(reverse("dues:statement_list") + f"?org={world.root.pk}&period=2026-01&format=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    line = next(r for r in rows if r[0] == s.organization.name)
    assert line[1] == "2026-01" and line[2] + line[3] - line[5] == line[6] == 30
    other = client_for(world.other_admin).get(reverse("dues:statement_list") + "?format=xlsx")
    assert s.organization.name not in [
        r[0] for r in load_workbook(io.BytesIO(other.content)).active.iter_rows(values_only=True)
    ]


def test_dues_settings_are_in_the_admin_and_audited(client_for, django_user_model):
    admin = django_user_model.objects.create_superuser("root-admin", "r@example.invalid", "x-Strong-Pass-1")
    c = client_for(admin)
    add = reverse("admin:dues_duessettings_add")
    data = {
        "central_threshold": "1000.00",
        "talk_after_months": "3",
        "handle_after_months": "6",
        "arrears_window_months": "12",
    }
    assert c.post(add, data).status_code == 302
    settings = DuesSettings.objects.get()
    data["handle_after_months"] = "5"
    assert c.post(reverse("admin:dues_duessettings_change", args=[settings.pk]), data).status_code == 302
    assert DuesSettings.current().handle_after_months == 5
    entries = AuditEntry.objects.filter(action="dues.settings_changed").order_by("id")
    assert entries.count() == 2 and entries.last().before["handle_after_months"] == 6
    assert c.get(add).status_code == 403  # one row only
    assert c.get(reverse("admin:dues_duesrule_changelist")).status_code == 200
