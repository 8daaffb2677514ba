"""Same-named organisations under different units are told apart: "甲局 / 办公室党支部" (issue 23)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches import audit, services
from branches.models import Organization, OrganizationKind
from branches.register.forms import MemberFilterForm
from notices.forms import NoticeForm
from supervision.forms import TaskForm
from supervision.models import Card, EscalationRule

from .helpers import finding_for, issued_task

pytestmark = pytest.mark.django_db

LABEL_A, LABEL_B = "甲局 / 办公室党支部", "乙局 / 办公室党支部"


@pytest.fixture
def offices(world):
    make = services.create_organization
    a = make(actor=audit.SYSTEM, name="办公室党支部", kind=OrganizationKind.BRANCH, parent=world.unit_a)
    b = make(actor=audit.SYSTEM, name="办公室党支部", kind=OrganizationKind.BRANCH, parent=world.unit_b)
    return a, b


def _cards(world, offices, n):
    """``n`` findings with a card each, spread over both offices (so over both units)."""
    today = timezone.localdate()
    rule = EscalationRule.objects.get(code="overdue-1")
    for i in range(n):
        task = issued_task(
            world,
            title=f"任务{i}",
            targets=list(offices),
            deadline=today + datetime.timedelta(days=20),
            now=timezone.now(),
        )
        for org in offices:
            f = finding_for(
                world,
                task,
                org=org,
                deadline=today + datetime.timedelta(days=5),
                now=timezone.now(),
                description=f"问题{i}",
                measures=f"整改措施{i}-{org.unit.name}",
            )
            Card.objects.create(
                rule=rule,
                colour="yellow",
                organization=org,
                rectification=f.rectifications.get(),
                reason=f"卡{i}",
                issued_at=timezone.now(),
            )


def test_the_label_names_the_unit_below_unit_level_only(world, offices):
    a, b = offices
    assert (a.label, b.label) == (LABEL_A, LABEL_B)
    assert world.root.label == "市直机关工委"  # the committee
    assert world.unit_a.label == "甲局机关党委"  # the unit-level organisation
    assert world.branch_a1.label == "甲局第一党支部"  # the name already starts with the unit's name
    assert world.group_a1.label == "甲局 / 第一党小组"


def test_with_labels_reads_the_units_in_the_same_query(world, offices, django_assert_num_queries):
    with django_assert_num_queries(1):
        labels = {o.pk: o.label for o in Organization.objects.only("id", "name").with_labels()}
    assert labels[offices[0].pk] == LABEL_A and labels[offices[1].pk] == LABEL_B
    assert labels[world.root.pk] == "市直机关工委" and labels[world.unit_b.pk] == "乙局机关党委"


def test_pickers_label_both_offices_with_their_unit(world, offices):
    targets = dict(TaskForm(user=world.committee).fields["targets"].choices)
    assert {LABEL_A, LABEL_B} <= set(targets.values())
    issuing = [label for _v, label in NoticeForm(user=world.committee).fields["organization"].choices]
    assert any(label.endswith(LABEL_A) for label in issuing) and any(label.endswith(LABEL_B) for label in issuing)
    register = [label for _v, label in MemberFilterForm(user=world.committee).fields["org"].choices]
    assert "\u3000" + LABEL_A in register and "\u3000" + LABEL_B in register  # indented under their unit


def test_the_task_form_page_lists_both_offices_with_their_unit(world, offices, client_for):
    client = client_for(world.committee)
    form = client.get("/supervision/tasks/new/").content.decode()
    html = "".join(  # the picker opens each unit on demand
        client.get(reverse("supervision:task_target_children"), {"parent": unit.pk}).content.decode()
        for unit in (world.unit_a, world.unit_b)
    )
    assert LABEL_A in html and LABEL_B in html
    assert f'data-testid="target-sub-{world.unit_a.pk}"' in form


def test_list_pages_show_both_offices_with_their_unit(world, offices, client_for):
    _cards(world, offices, 1)
    c = client_for(world.committee)
    for url in ("/supervision/rectifications/", "/supervision/findings/", "/supervision/bulletin/"):
        html = c.get(url).content.decode()
        assert LABEL_A in html and LABEL_B in html, url


def test_each_card_names_the_unit_the_organisation_and_the_item(world, offices, client_for):
    _cards(world, offices, 1)
    response = client_for(world.committee).get("/supervision/cards/")
    html = response.content.decode()
    cards = {c.organization.label: c for c in response.context["cards"]}
    assert set(cards) == {LABEL_A, LABEL_B}
    assert f'data-testid="card-org">{LABEL_A}</a>' in html
    assert f'data-testid="card-org">{LABEL_B}</a>' in html
    assert "整改措施0-甲局" in html and "整改措施0-乙局" in html  # the rectification each card is for


def test_a_card_outside_the_scope_is_not_listed(world, offices, client_for):
    _cards(world, offices, 1)
    html = client_for(world.unit_admin).get("/supervision/cards/").content.decode()
    assert LABEL_A in html and "整改措施0-甲局" in html
    assert LABEL_B not in html and "整改措施0-乙局" not in html


@pytest.mark.parametrize("url", ["/supervision/cards/", "/supervision/rectifications/", "/supervision/findings/"])
def test_labels_keep_the_query_count_fixed_as_rows_grow(world, offices, client_for, django_assert_max_num_queries, url):
    _cards(world, offices, 1)
    c = client_for(world.committee)
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    _cards(world, offices, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = c.get(url).content.decode()
    assert html.count(LABEL_A) >= 5 and html.count(LABEL_B) >= 5


def test_the_organisation_api_gives_the_label_read_only(world, offices, api_for):
    c = api_for(world.committee)
    body = c.get("/api/v1/organizations/?page_size=100").json()
    rows = body["results"] if isinstance(body, dict) else body
    labels = {r["id"]: r["label"] for r in rows}
    assert labels[offices[0].pk] == LABEL_A and labels[offices[1].pk] == LABEL_B
    assert labels[world.unit_a.pk] == "甲局机关党委"
    response = c.patch(f"/api/v1/organizations/{offices[0].pk}/", {"label": "别的"}, format="json")
    assert response.status_code in (200, 403, 405)
    offices[0].refresh_from_db()
    assert offices[0].name == "办公室党支部"


def test_the_meeting_compliance_pages_show_both_offices_with_their_unit(world, offices, client_for):
    c = client_for(world.committee)
    matrix = c.get("/meetings/compliance/").content.decode()
    assert LABEL_A in matrix and LABEL_B in matrix
    card = c.get(f"/meetings/org/{offices[0].pk}/compliance/")
    assert card.status_code == 200 and LABEL_A in card.content.decode()


def test_the_compliance_matrix_of_a_unit_admin_lists_only_their_office(world, offices, client_for):
    matrix = client_for(world.unit_admin).get("/meetings/compliance/").content.decode()
    assert LABEL_A in matrix and LABEL_B not in matrix
