import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from branches import metric_registry, periods
from dues import payments, reminders

from .helpers import member, with_base

JAN = datetime.date(2026, 1, 1)


@pytest.mark.django_db
def test_the_collection_rate_is_registered_and_its_list_counts_the_same(world, client_for):
    paid = with_base(world, member(world, "甲"), "5000", JAN)
    with_base(world, member(world, "乙"), "5000", JAN)
    payments.record_payment(
        actor=world.secretary, member=paid, month=JAN, amount=Decimal("50"), method="cash", paid_on=JAN
    )
    period = periods.parse("2026-01")
    rate = metric_registry.get("dues.collection_rate")
    unpaid = metric_registry.get("dues.unpaid_count")
    values = rate.values([world.root, world.unit_a, world.branch_a1, world.unit_b], period)
    assert values[world.branch_a1.pk] == 50.0 and values[world.root.pk] == 50.0 and values[world.unit_b.pk] is None
    assert unpaid.value(world.unit_a, period) == 1
    client = client_for(world.committee)
    body = client.get(rate.drill_url(world.unit_a, period)).content.decode()
    assert 'data-owed="2"' in body and 'data-settled="1"' in body
    body = client.get(unpaid.drill_url(world.unit_a, period)).content.decode()
    assert 'data-count="1"' in body


@pytest.mark.django_db
def test_a_refresh_reads_each_period_off_one_ledger_per_year_with_the_same_figures(
    world, django_assert_max_num_queries
):
    """Inside a refresh (``stats.memoized``) the months, quarters and years of a calendar year are summed from
    that year's ledger, worked out once: the figures equal the ones asked for one period at a time."""
    from branches import stats
    from dues import collection

    first, second = (
        with_base(world, member(world, "甲"), "5000", JAN),
        with_base(world, member(world, "乙"), "9000", JAN),
    )
    for who, months in ((first, (1, 2, 3, 5)), (second, (2, 4))):
        for m in months:
            day = datetime.date(2026, m, 1)
            payments.record_payment(
                actor=world.secretary, member=who, month=day, amount=Decimal("200"), method="cash", paid_on=day
            )
    orgs = [world.root, world.unit_a, world.branch_a1, world.unit_b]
    keys = ["2026-01", "2026-02", "2026-04", "2026-05", "2026-Q1", "2026-Q2", "2026", "2025"]
    today = datetime.date(2026, 6, 15)
    alone = {key: collection.counts(orgs, periods.parse(key), today) for key in keys}
    assert alone["2026-Q1"][world.branch_a1.pk] == (4, 6) and alone["2026"][world.root.pk] == (6, 12)
    with stats.memoized():
        collection.counts(orgs, periods.parse("2026-01"), today)  # the year's ledger, once
        with django_assert_max_num_queries(0):
            together = {key: collection.counts(orgs, periods.parse(key), today) for key in keys if key != "2025"}
        together["2025"] = collection.counts(orgs, periods.parse("2025"), today)
    assert together == alone


@pytest.mark.django_db
def test_reminders_monthly_list_three_and_six_months(world):
    three = with_base(world, member(world, "三个月"), "5000", JAN)
    with_base(world, member(world, "六个月"), "5000", JAN)
    for month in (1, 2, 3):
        payments.record_payment(
            actor=world.secretary,
            member=three,
            month=datetime.date(2026, month, 1),
            amount=Decimal("50"),
            method="cash",
            paid_on=datetime.date(2026, month, 5),
        )
    now = timezone.make_aware(datetime.datetime(2026, 7, 2, 9, 0))
    items = list(reminders.due(now))
    kinds = {(d.kind, d.recipient_id) for d in items}
    assert ("dues.unpaid_month", world.secretary.pk) in kinds
    assert ("dues.arrears_talk", world.secretary.pk) in kinds
    assert ("dues.arrears_case", world.secretary.pk) in kinds and ("dues.arrears_case", world.unit_admin.pk) in kinds
    assert not any(d.recipient_id == world.outsider.pk for d in items)
    unpaid = next(d for d in items if d.kind == "dues.unpaid_month")
    assert unpaid.step == "2026-06" and "2" in unpaid.title
