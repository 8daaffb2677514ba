import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches.models import AuditEntry
from dues import payments, statements
from dues.models import Payment

from .helpers import member, with_base, xlsx

JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def payer(world):
    return with_base(world, member(world, "王小明"), "5000", JAN)


@pytest.mark.django_db
def test_every_dues_page_opens_for_the_secretary(world, client_for, payer):
    p = payments.record_payment(
        actor=world.secretary, member=payer, month=JAN, amount=Decimal("50"), method="cash", paid_on=JAN
    )
    s = statements.submit_statement(actor=world.secretary, organization=world.branch_a1, month=JAN)
    client = client_for(world.secretary)
    for name, args in [
        ("dues:home", []),
        ("dues:collection", []),
        ("dues:payment_list", []),
        ("dues:payment_new", []),
        ("dues:payroll_import", []),
        ("dues:base_list", []),
        ("dues:base_new", []),
        ("dues:base_import", []),
        ("dues:reduction_list", []),
        ("dues:reduction_new", []),
        ("dues:statement_list", []),
        ("dues:arrears", []),
        ("dues:mine", []),
        ("dues:payment_detail", [p.pk]),
        ("dues:statement_detail", [s.pk]),
        ("dues:arrears_member", [payer.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name


@pytest.mark.django_db
def test_recording_a_payment_on_the_page_gives_a_receipt(world, client_for, payer):
    response = client_for(world.secretary).post(
        reverse("dues:payment_new"),
        {
            "member": payer.pk,
            "month": "2026-01",
            "amount": "50.00",
            "kind": "regular",
            "method": "cash",
            "paid_on": "2026-01-10",
        },
    )
    payment = Payment.objects.get()
    assert response.status_code == 302 and payment.receipt_no == "2026-00001"
    assert AuditEntry.objects.filter(action="dues.payment_recorded", object_id=str(payment.pk)).exists()


@pytest.mark.django_db
def test_a_bad_amount_gets_a_message_not_a_500(world, client_for, payer):
    response = client_for(world.secretary).post(
        reverse("dues:payment_new"),
        {
            "member": payer.pk,
            "month": "2026-13",
            "amount": "abc",
            "kind": "regular",
            "method": "cash",
            "paid_on": "2026-01-10",
        },
    )
    assert response.status_code == 200 and not Payment.objects.exists()


@pytest.mark.django_db
def test_the_bases_import_page_checks_then_applies(world, client_for):
    member(world, "张三")
    client = client_for(world.secretary)
    header = ["姓名*", "公民身份号码", "人员类别*", "月缴费基数*", "起始月份*"]
    content = xlsx(header, [["张三", None, "在职", "4000", "2026-01"]])

    url = reverse("dues:base_import") + f"?org={world.branch_a1.pk}"
    response = client.post(url, {"file": SimpleUploadedFile("b.xlsx", content), "org": world.branch_a1.pk})
    assert b'data-testid="import-ok"' in response.content
    response = client.post(url, {"apply": "1", "org": world.branch_a1.pk})
    assert response.status_code == 302
    assert world.branch_a1.members.get(name="张三").dues_bases.get().base == Decimal("4000.00")


@pytest.mark.django_db
def test_a_member_sees_only_their_own_dues(world, client_for):
    with_base(world, world.members["member"], "5000", JAN)
    other = with_base(world, member(world, "别人"), "5000", JAN)
    payments.record_payment(
        actor=world.secretary, member=other, month=JAN, amount=Decimal("50"), method="cash", paid_on=JAN
    )
    client = client_for(world.member)
    body = client.get(reverse("dues:mine")).content.decode()
    assert "2026-00001" not in body
    assert b'data-testid="my-months"' in client.get(reverse("dues:home")).content
    assert client.get(reverse("dues:collection")).status_code == 404


@pytest.mark.django_db
def test_an_outsider_gets_404_for_another_branch(world, client_for, payer):
    client = client_for(world.outsider)
    assert client.get(reverse("dues:collection") + f"?org={world.branch_a1.pk}").status_code == 404
    assert client.get(reverse("dues:arrears_member", args=[payer.pk])).status_code == 404


@pytest.mark.django_db
def test_the_count_of_members_without_a_base_is_kept_and_a_base_written_shows_on_the_next_view(
    world, client_for, payer
):
    """The warning's count reads the whole subtree (50 ms at province): kept with the month figures, moved on
    by a base written; a member added to the register shows within the interval."""
    import re

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    client = client_for(world.committee)
    url = reverse("dues:home") + f"?org={world.root.pk}&period=2026"

    def missing():
        found = re.search(r"(\d+) 名党员尚未登记缴费基数", client.get(url).content.decode())
        return int(found[1]) if found else 0

    before = missing()
    newcomer = member(world, "周八")  # the register alone: kept figures stand until they expire
    with CaptureQueriesContext(connection) as kept:
        assert missing() == before
    assert not any("COUNT(*)" in q["sql"] and "branches_member" in q["sql"] for q in kept.captured_queries)
    with_base(world, member(world, "吴九"), "5000", JAN)  # a base written: taken again, with the newcomer
    assert missing() == before + 1
    with_base(world, newcomer, "5000", JAN)
    assert missing() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seconds", "note"), [(300, "党员名册的变动5分钟内反映"), (61, "党员名册的变动2分钟内反映"), (0, None)]
)
def test_the_figures_note_tells_the_configured_interval(world, client_for, payer, settings, seconds, note):
    """The page promises what DUES_SUMMARY_SECONDS keeps; with nothing kept it says only when it counted."""
    from django.core.cache import cache

    cache.clear()
    settings.DUES_SUMMARY_SECONDS = seconds
    page = client_for(world.committee).get(reverse("dues:home") + f"?org={world.root.pk}&period=2026").content.decode()
    shown = page[page.index('data-testid="dues-taken-at"') :].split("</p>")[0]
    assert "数据更新于" in shown
    if note:
        assert note in shown
    else:
        assert "分钟" not in shown


@pytest.mark.django_db
def test_the_month_figures_are_kept_between_views_and_every_dues_write_shows_on_the_next(world, client_for, payer):
    """The page's summary is kept (DUES_SUMMARY_SECONDS); payments, bases and the payroll import move it on."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from branches.periods import parse
    from dues import collection

    cache.clear()
    client = client_for(world.committee)
    url = reverse("dues:home") + f"?org={world.root.pk}&period=2026"

    def january():
        page = client.get(url).content.decode()
        assert 'data-testid="dues-taken-at"' in page
        row = page[page.index("2026年1月") :]
        return row[row.index('<td class="text-end">') + len('<td class="text-end">') :].split("</td>")[0].strip()

    assert january() == "0 / 1"
    with CaptureQueriesContext(connection) as kept:
        january()
    kept_queries = len(kept.captured_queries)  # now: the next request clears the log
    payments.record_payment(
        actor=world.secretary, member=payer, month=JAN, amount=Decimal("50"), method="cash", paid_on=JAN
    )
    assert january() == "1 / 1"
    second = with_base(world, member(world, "李四"), "5000", JAN)
    assert january() == "1 / 2"
    content = xlsx(["姓名*", "公民身份号码", "党费月份*", "金额*"], [["李四", None, "2026-01", "50"]])
    payments.import_payroll(actor=world.secretary, organization=world.branch_a1, content=content, paid_on=JAN)
    assert january() == "2 / 2"
    # A change in the register alone (not a dues write) shows once the kept figures expire.
    second.status = "deceased"
    second.save()
    assert january() == "2 / 2"
    with CaptureQueriesContext(connection) as again:
        january()
    assert 0 < len(again.captured_queries) <= kept_queries
    cache.delete(collection.summary_key(world.root, collection.period_months(parse("2026"))))  # expired
    cache.delete(collection.FIGURES.key("without_base", world.root.pk))
    with CaptureQueriesContext(connection) as cold:
        assert january() == "1 / 1"
    cold_queries = len(cold.captured_queries)
    for name in ("赵五", "钱六", "孙七"):
        with_base(world, member(world, name), "5000", JAN)  # a write: the figures are taken again
    with CaptureQueriesContext(connection) as colder:
        assert january() == "1 / 4"
    assert len(colder.captured_queries) <= cold_queries  # taking them again: a fixed number of queries
