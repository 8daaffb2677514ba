"""A card names the unit and organisation it was issued to and the item it is for (issue 23)."""

import datetime

import pytest
from django.urls import reverse

from supervision import services
from supervision.models import Card, EscalationRule

from .helpers import at, finding_for

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def card(world):
    rect = finding_for(world, deadline=D(2026, 3, 20), measures="补齐三会一课记录").rectifications.get()
    services.sweep_cards(now=at(2026, 3, 24))
    return Card.objects.get(rectification=rect, rule__code="overdue-1")


def test_the_label_is_unit_then_organisation(world):
    # Organization.label: the unit in front unless the name starts with it (tests/supervision/test_org_labels.py)
    assert world.branch_a1.label == "甲局第一党支部"
    assert world.root.label == "市直机关工委"  # no unit


def test_the_cards_str_names_unit_organisation_and_measures(card):
    text = str(card)
    assert "甲局第一党支部" in text and "补齐三会一课记录" in text


def test_a_card_on_a_finding_names_the_finding(world):
    finding = finding_for(world, description="违规发放津贴")
    card = Card.objects.create(
        rule=EscalationRule.objects.get(code="serious-repeat"),
        colour="red",
        organization=world.branch_a1,
        finding=finding,
        reason="r",
        issued_at=at(2026, 3, 2),
    )
    assert "违规发放津贴" in str(card) and card.item == "违规发放津贴"


def test_the_notification_names_unit_organisation_and_item(world, django_capture_on_commit_callbacks):
    from branches import events

    finding_for(world, deadline=D(2026, 3, 20), measures="补齐三会一课记录")
    sent = []
    events.notify.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="t-naming")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.sweep_cards(now=at(2026, 3, 24))
    finally:
        events.notify.disconnect(dispatch_uid="t-naming")
    [notice] = [s for s in sent if s["kind"].startswith("supervision.card_")]
    assert "甲局第一党支部" in str(notice["title"]) and "补齐三会一课记录" in str(notice["title"])
    assert notice["url"] == reverse("supervision:card_detail", args=[notice["obj"].pk])


def test_the_list_and_detail_pages_name_unit_organisation_and_item(world, card, client_for):
    for persona in ("committee", "secretary", "inspector"):
        client = client_for(getattr(world, persona))
        for url in (reverse("supervision:card_list"), reverse("supervision:card_detail", args=[card.pk])):
            body = client.get(url).content.decode()
            assert "甲局第一党支部" in body and "补齐三会一课记录" in body, (persona, url)


@pytest.mark.parametrize("persona", ["outsider", "other_admin", "nobody"])
def test_the_detail_page_is_404_outside(world, card, client_for, persona):
    response = client_for(getattr(world, persona)).get(reverse("supervision:card_detail", args=[card.pk]))
    assert response.status_code == 404


def test_the_card_list_query_count_does_not_grow_with_cards(world, client_for, django_assert_max_num_queries):
    client = client_for(world.committee)
    finding_for(world, deadline=D(2026, 3, 20), measures="一")
    services.sweep_cards(now=at(2026, 3, 24))
    client.get(reverse("supervision:card_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("supervision:card_list"))
    for i in range(4):
        finding_for(world, deadline=D(2026, 3, 20), measures=f"措施{i}", description=f"问题{i}")
    services.sweep_cards(now=at(2026, 3, 25))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("supervision:card_list"))
