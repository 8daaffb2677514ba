"""F4: every Excel export writes formula-like text (= + - @, tab, CR) as text, never as a formula.

Each test puts ``=HYPERLINK(...)`` where a user can type it (a failed login's username, a member's
name, a meeting title, an organisation name) and opens the export: the cell is a text cell with
the quote prefix and the sheet XML holds no formula at all.
"""

import datetime
import io
import zipfile

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from branches import audit
from branches.documents import xlsx
from tests.world import make_user

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://x","y")'


def assert_text_not_formula(content: bytes, evil: str = EVIL, *, whole_cell: bool = True) -> None:
    """No formula anywhere; the injected text is kept as text. ``whole_cell=False`` where the value is shown
    inside a longer text (an organisation's label, "甲局 / <name>"), which Excel never reads as a formula."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    book = load_workbook(io.BytesIO(content))
    found = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and evil in cell.value:
                    found.append(cell)
    assert found, "the injected value is missing from the export"
    assert all(c.data_type == "s" for c in found)
    assert all(c.quotePrefix for c in found if c.value[:1] in ("=", "+", "-", "@", "\t", "\r"))
    if whole_cell:
        assert any(c.value == evil and c.quotePrefix for c in found)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_the_layer_neutralises_every_formula_prefix(prefix):
    book = xlsx.Book()
    book.sheet("x", ["a"]).append([prefix + "1+1"])
    ws = load_workbook(io.BytesIO(book.bytes())).active
    cell = ws["A2"]
    assert cell.data_type == "s" and cell.quotePrefix and cell.value == prefix + "1+1"


def test_ordinary_values_keep_their_types():
    book = xlsx.Book()
    book.sheet("x", ["a", "b", "c"]).append([12, "正常文本", datetime.date(2026, 3, 5)])
    ws = load_workbook(io.BytesIO(book.bytes())).active
    assert ws["A2"].value == 12 and not ws["B2"].quotePrefix and ws["C2"].value.date() == datetime.date(2026, 3, 5)


def test_member_export(world, client_for):
    member = world.members["member"]
    member.name = EVIL
    member.save(update_fields=["name"])
    response = client_for(world.secretary).get(reverse("branches:member_export"), {"download": "1"})
    assert response.status_code == 200
    assert_text_not_formula(response.content)


def test_meeting_ledger(world, client_for):
    from tests.meetings.factories import add_members, held_meeting

    add_members(world.branch_a1, 1)
    meeting = held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6))
    type(meeting).objects.filter(pk=meeting.pk).update(title=EVIL)
    response = client_for(world.unit_admin).get(reverse("meetings:ledger", args=[world.unit_a.pk]) + "?period=2026")
    assert_text_not_formula(response.content)


def _evil_org(world):
    org = world.branch_a1
    org.name = EVIL
    org.save(update_fields=["name"])
    return org


def test_dashboard_export(world, client_for):
    from portal import dashboards
    from tests.portal.dashboard_helpers import temporary_metric

    _evil_org(world)
    world.unit_a.name = EVIL
    world.unit_a.save(update_fields=["name"])
    with temporary_metric("meetings.compliance_rate", {world.unit_a.pk: 80, world.unit_b.pk: 60}):
        dashboards.refresh_summaries(actor=audit.SYSTEM)
        response = client_for(world.committee).get(reverse("dashboards:export", args=[world.root.pk]))
    assert_text_not_formula(response.content)


def test_both_assessment_exports(world, client_for):
    from tests.assessment.factories import TEST_METRIC, make_system, open_cycle, registered_metric

    _evil_org(world)
    with registered_metric(TEST_METRIC, {world.branch_a1.pk: 97.0}):
        system = make_system()
        cycle = open_cycle(system, world.root)
    from assessment.models import BranchAssessment

    a = BranchAssessment.objects.get(cycle=cycle, organization=world.branch_a1)
    c = client_for(world.committee)
    assert_text_not_formula(c.get(f"/assessment/branch/{a.pk}/export.xlsx").content)
    assert_text_not_formula(c.get(f"/assessment/cycles/{cycle.pk}/export.xlsx").content)


def test_audit_log_export_of_a_failed_login(world, client_for):
    from django.contrib.auth.models import Group

    assert authenticate(username=EVIL, password="wrong") is None
    auditor = make_user("auditor")
    auditor.groups.add(Group.objects.get(name="审计管理员"))
    response = client_for(auditor).get(reverse("audit-export"))
    assert response.status_code == 200
    assert_text_not_formula(response.content)


def test_supervision_bulletin(world, client_for):
    from tests.supervision.test_pages import _rows

    _rows(world, 1)
    _evil_org(world)
    response = client_for(world.committee).get("/supervision/bulletin/?format=xlsx")
    assert_text_not_formula(response.content, whole_cell=False)  # the cards name "甲局 / <organisation>"


def test_training_exports(world, client_for):
    from tests.training.test_pages import _assigned

    _assigned(world, title=EVIL)
    member = world.members["member"]
    member.name = EVIL
    member.save(update_fields=["name"])
    url = reverse("training:branch_matrix", args=[world.branch_a1.pk]) + "?year=2026&format=xlsx"
    assert_text_not_formula(client_for(world.secretary).get(url).content)
    _evil_org(world)
    world.unit_a.name = EVIL
    world.unit_a.save(update_fields=["name"])
    overview = client_for(world.committee).get(reverse("training:committee_overview") + "?format=xlsx")
    assert_text_not_formula(overview.content)


def test_no_export_writes_a_utc_date(world, client_for):
    """A card issued at 17:00 UTC on 3 March is a 4 March card in Beijing."""
    from supervision.models import Card
    from tests.supervision.test_pages import _rows

    _rows(world, 1)
    issued = datetime.datetime(2026, 3, 3, 17, 0, tzinfo=datetime.UTC)
    Card.objects.update(issued_at=issued)
    response = client_for(world.committee).get("/supervision/bulletin/?format=xlsx&period=2026-03")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert datetime.datetime(2026, 3, 4) in values
    assert timezone.localtime(issued).date() == datetime.date(2026, 3, 4)
