"""The organisation tree keeps its member counts between views (``branches.stats.REGISTER_FIGURES``), and every
write that changes a count moves them on: a member saved, a roster imported in bulk, a status set by update, a
subtree moved (issue 22)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches import services, stats
from branches.memberfile import services as memberfile
from branches.models import MemberCategory, MemberStatus
from branches.register import excel
from tests.branches.roster_files import person, xlsx

pytestmark = pytest.mark.django_db


def _counts(client) -> dict[int, int]:
    """``{organisation id: members}`` as the tree page shows them."""
    page = client.get(reverse("branches:organization_list")).content.decode()
    return {int(pk): int(n) for pk, n in re.findall(r'data-testid="member-count-(\d+)">(\d+)<', page)}


def test_the_tree_keeps_its_counts_and_every_kind_of_write_moves_them_on(world, client_for):
    c = client_for(world.committee)
    services.create_member(
        actor=world.committee,
        organization=world.branch_b1,
        name="乙党员",
        category=MemberCategory.FULL,
        join_date=datetime.date(2012, 7, 1),
    )
    before = _counts(c)
    unit_a, unit_b = world.unit_a.pk, world.unit_b.pk
    assert before[unit_a] >= 1 and before[world.branch_b1.pk] >= 1
    with CaptureQueriesContext(connection) as kept:
        assert _counts(c) == before
    # A save: one more member in branch a1.
    new = services.create_member(
        actor=world.committee,
        organization=world.branch_a1,
        name="新党员",
        category=MemberCategory.FULL,
        join_date=datetime.date(2015, 7, 1),
    )
    with CaptureQueriesContext(connection) as computed:
        after_save = _counts(c)
    assert after_save[unit_a] == before[unit_a] + 1
    assert len(kept.captured_queries) < len(computed.captured_queries)  # the counts were not taken again
    # An update with no signal: a member who left the register stops counting.
    memberfile._set_status(world.committee, new, MemberStatus.DECEASED)
    assert _counts(c)[unit_a] == before[unit_a]
    # A bulk insert: a roster of two members imported into branch a1.
    excel.import_members(actor=world.unit_admin, content=xlsx([person(1), person(2)]))
    assert _counts(c)[unit_a] == before[unit_a] + 2
    # A subtree moved by one UPDATE of the paths: branch b1 and its members now count under unit A.
    b1 = before[world.branch_b1.pk]
    units = [world.unit_a, world.unit_b]  # the same key before and after the move (the tree's rows reorder)
    kept_before = stats.kept_member_counts(units)
    services.move_organization(actor=world.committee, organization=world.branch_b1, new_parent=world.unit_a)
    assert stats.kept_member_counts(units) == {unit_a: kept_before[unit_a] + b1, unit_b: kept_before[unit_b] - b1}
    moved = _counts(c)
    assert moved[unit_a] == before[unit_a] + 2 + b1 and moved[unit_b] == before[unit_b] - b1
