import datetime

import pytest

from branches.meetings import compliance
from branches.models import FrequencyRule, MeetingStatus
from branches.periods import parse, period_containing

from .factories import add_members, held_meeting

pytestmark = pytest.mark.django_db

AFTER = datetime.date(2026, 12, 31)


def _kinds(oc, status):
    return sorted({s.kind for s in oc.slots if s.status == status})


def test_a_crafted_quarter_matches_a_hand_count(world):
    add_members(world.branch_a1, 3)
    b = world.branch_a1
    # Q1 2026: committee in Jan and Mar (Feb missing), one assembly, one lecture, theme days all three months,
    # group meetings in Jan only (the branch has a group).
    for d in ["2026-01-10", "2026-03-05"]:
        held_meeting(b, "committee", datetime.date.fromisoformat(d))
    held_meeting(b, "member_assembly", datetime.date(2026, 2, 3))
    held_meeting(b, "lecture", datetime.date(2026, 2, 20))
    for m in (1, 2, 3):
        held_meeting(b, "theme_day", datetime.date(2026, m, 15))
    held_meeting(b, "group", datetime.date(2026, 1, 22))
    oc = compliance.for_org(b, parse("2026-Q1"), today=AFTER)
    by_kind = {r.kind: (r.required, r.held, r.missing) for r in oc.by_kind()}
    assert by_kind["committee"] == (3, 2, 1)
    assert by_kind["theme_day"] == (3, 3, 0)
    assert by_kind["group"] == (3, 1, 2)
    assert by_kind["member_assembly"] == (1, 1, 0)
    assert by_kind["lecture"] == (1, 1, 0)
    assert "org_life" not in by_kind  # owed by the year, not the quarter
    assert oc.held == 8 and oc.missing == 3
    assert oc.rate == round(100 * 8 / 11, 1)
    # assembly, committee ×2 and group need a first topic; all had one
    assert (oc.first_topic_required, oc.first_topic_held) == (4, 4)


def test_a_meeting_late_on_the_last_day_of_a_quarter_counts_for_that_quarter(world):
    add_members(world.branch_a1, 3)
    held_meeting(world.branch_a1, "member_assembly", datetime.date(2026, 3, 31), hour=23)
    q1 = compliance.for_org(world.branch_a1, parse("2026-Q1"), today=AFTER)
    q2 = compliance.for_org(world.branch_a1, parse("2026-Q2"), today=AFTER)
    assert [r.held for r in q1.by_kind() if r.kind == "member_assembly"] == [1]
    assert [r.held for r in q2.by_kind() if r.kind == "member_assembly"] == [0]


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.DRAFT, MeetingStatus.PLANNED])
def test_a_meeting_not_submitted_does_not_count(world, status):
    add_members(world.branch_a1, 3)
    held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6), status=status)
    oc = compliance.for_org(world.branch_a1, parse("2026-05"), today=AFTER)
    assert "committee" in _kinds(oc, "missing")


def test_a_branch_without_party_groups_owes_no_group_meeting(world):
    oc_without = compliance.for_org(world.branch_a2, parse("2026-05"), today=AFTER)
    oc_with = compliance.for_org(world.branch_a1, parse("2026-05"), today=AFTER)
    assert "group" not in {s.kind for s in oc_without.slots}
    assert "group" in {s.kind for s in oc_with.slots}


def test_a_current_period_is_due_not_missing(world):
    oc = compliance.for_org(world.branch_a2, parse("2026-05"), today=datetime.date(2026, 5, 10))
    assert _kinds(oc, "due") == ["committee", "theme_day"]
    assert oc.missing == 0 and oc.rate is None


def test_the_rules_are_data(world):
    FrequencyRule.objects.filter(kind="committee").update(period="quarter", min_count=2)
    add_members(world.branch_a2, 3)
    held_meeting(world.branch_a2, "committee", datetime.date(2026, 4, 6))
    oc = compliance.for_org(world.branch_a2, parse("2026-Q2"), today=AFTER)
    assert [(r.required, r.held, r.missing) for r in oc.by_kind() if r.kind == "committee"] == [(1, 0, 1)]


def test_the_year_owes_the_annual_meetings(world):
    year = compliance.for_org(world.branch_a2, parse("2026"), today=datetime.date(2027, 1, 5))
    rows = {r.kind: (r.required, r.missing) for r in year.by_kind()}
    assert rows["org_life"] == (1, 1) and rows["democratic_review"] == (1, 1)
    assert rows["committee"] == (12, 12) and rows["member_assembly"] == (4, 4)


def test_unit_organisations_owe_nothing_by_default(world):
    oc = compliance.for_org(world.unit_a, parse("2026-05"), today=AFTER)
    assert oc.slots == [] and oc.rate is None


def test_subtree_totals_add_up_the_branches(world):
    add_members(world.branch_a1, 3)
    held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6))
    period = period_containing("month", datetime.date(2026, 5, 1))
    totals = compliance.subtree_totals([world.unit_a, world.branch_a1], period, today=AFTER)
    single = compliance.for_org(world.branch_a1, period, today=AFTER)
    a2 = compliance.for_org(world.branch_a2, period, today=AFTER)
    assert totals[world.branch_a1.pk].held == single.held
    assert totals[world.unit_a.pk].held == single.held + a2.held
    assert totals[world.unit_a.pk].missing == single.missing + a2.missing


def test_compliance_query_count_does_not_grow_with_organisations(world, django_assert_max_num_queries):
    periods = [parse(f"2026-{m:02d}") for m in range(1, 13)]
    with django_assert_max_num_queries(5):
        compliance.compute([world.branch_a1, world.branch_a2, world.branch_b1], periods, today=AFTER)


def test_slot_counts_at_the_edges_of_every_month_match_a_hand_count_in_one_pass(world):
    """The matrix asks for many slots at once: counts come from running totals, edges included."""
    add_members(world.branch_a1, 3)
    b = world.branch_a1
    edges = ["01-01", "01-31", "03-01", "03-31", "03-31", "04-01", "12-31"]
    days = [datetime.date.fromisoformat(f"2026-{d}") for d in edges]
    for day in days:
        held_meeting(b, "theme_day", day, hour=23)
    months = [period_containing("month", datetime.date(2026, m, 1)) for m in range(1, 13)]
    year = parse("2026")
    data = compliance.compute([b], [*months, year], today=AFTER)
    for p in [*months, year]:
        held = sum(s.held for s in data[(b.pk, p.key)].slots if s.kind == "theme_day")
        assert held == sum(1 for d in days if p.start <= d <= p.end), p.key
