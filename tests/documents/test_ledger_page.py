"""The meeting ledger page: the Excel ledger's columns on a page that prints landscape; scoped; fixed queries."""

import datetime

import pytest
from django.urls import reverse

from branches.meetings.exports import LEDGER_HEAD
from tests.meetings.factories import add_members, held_meeting

pytestmark = pytest.mark.django_db


def test_the_ledger_page_lists_the_subtree_with_every_column(world, client_for, django_assert_max_num_queries):
    add_members(world.branch_a1, 2)
    add_members(world.branch_a2, 1)
    held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6))
    url = reverse("meetings:ledger_page", args=[world.unit_a.pk]) + "?period=2026"
    c = client_for(world.unit_admin)
    with django_assert_max_num_queries(40) as before:
        body = c.get(url).content.decode()
    for head in LEDGER_HEAD:
        assert f'<th scope="col">{head}</th>' in body
    assert world.branch_a1.name in body and 'class="print-landscape"' in body
    for day in (7, 8, 9):
        held_meeting(world.branch_a2, "theme_day", datetime.date(2026, 5, day))
    with django_assert_max_num_queries(len(before.captured_queries)):
        body = c.get(url).content.decode()
    assert body.count("<tr>") == 1 + 4


def test_the_ledger_page_is_404_outside(world, client_for):
    url = reverse("meetings:ledger_page", args=[world.branch_a1.pk])
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.secretary).get(url + "?period=garbage").status_code == 200
