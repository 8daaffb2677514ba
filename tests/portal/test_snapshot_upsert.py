"""The dashboards' figures are upserted in bulk without model instances (branches.bulk.upsert_rows)."""

import datetime

import pytest
from django.db import connection
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


def test_awkward_text_and_nulls_travel_intact(world):
    """On PostgreSQL the rows go through COPY's text format: tabs, line ends, backslashes and a literal
    ``\\N`` are escaped, ``None`` is NULL, and a timestamp keeps its instant."""
    at = timezone.now()
    names = ["tab\there", "line\nend\r", "back\\slash", "\\N", ""]
    rows = [
        (name, world.branch_a1.pk, "month", f"2026-{i + 1:02}", None if i % 2 else i / 3, at)
        for i, name in enumerate(names)
    ]
    assert upsert_rows(MetricSnapshot, COLUMNS, rows, unique=UNIQUE) == len(rows)
    stored = {r.metric: r for r in MetricSnapshot.objects.filter(organization=world.branch_a1)}
    assert set(stored) == set(names)
    for i, name in enumerate(names):
        assert stored[name].value == (None if i % 2 else i / 3)
        assert stored[name].computed_at == at


def test_a_refresh_that_finds_the_same_value_leaves_the_row_alone(world):
    """``changed``: an unchanged figure keeps the time it took its value; a moved one is rewritten."""
    before, now = timezone.now() - datetime.timedelta(hours=1), timezone.now()
    a, b = world.branch_a1.pk, world.branch_b1.pk
    upsert_rows(
        MetricSnapshot,
        COLUMNS,
        [("m", a, "year", "2026", 1.0, before), ("m", b, "year", "2026", None, before)],
        unique=UNIQUE,
    )
    rows = [("m", a, "year", "2026", 1.0, now), ("m", b, "year", "2026", 2.0, now)]
    upsert_rows(MetricSnapshot, COLUMNS, rows, unique=UNIQUE, changed=["value"])
    stored = {r.organization_id: r for r in MetricSnapshot.objects.filter(metric="m")}
    assert (stored[b].value, stored[b].computed_at) == (2.0, now)
    if connection.vendor == "postgresql":
        assert (stored[a].value, stored[a].computed_at) == (1.0, before)
