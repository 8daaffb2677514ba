"""The dashboards' figures are upserted in bulk without model instances (branches.bulk.upsert_rows)."""

import datetime

import pytest
from django.utils import timezone

from branches.bulk import upsert_rows
from portal.dashboards.models import MetricSnapshot

pytestmark = pytest.mark.django_db
COLUMNS = ["metric", "organization_id", "period_kind", "period_key", "value", "computed_at"]
UNIQUE = ["metric", "organization_id", "period_key"]


def test_a_second_refresh_overwrites_the_figures_it_finds_and_adds_the_new_ones(world):
    first = timezone.now() - datetime.timedelta(minutes=15)
    later = timezone.now()
    a, b = world.branch_a1.pk, world.branch_b1.pk
    upsert_rows(MetricSnapshot, COLUMNS, [("m", a, "month", "2026-11", 50.0, first)], unique=UNIQUE)
    upsert_rows(
        MetricSnapshot,
        COLUMNS,
        [("m", a, "month", "2026-11", 75.5, later), ("m", b, "month", "2026-11", None, later)],
        unique=UNIQUE,
        chunk=1,  # one statement per row: chunks must not lose or double rows
    )
    rows = {r.organization_id: r for r in MetricSnapshot.objects.filter(metric="m")}
    assert set(rows) == {a, b}
    assert rows[a].value == 75.5 and rows[a].computed_at == later
    assert rows[b].value is None
