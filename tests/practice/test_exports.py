import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches import audit, periods
from practice.deeds import services as deeds
from practice.pairing import services as pairing
from practice.service import services as service
from tests.documents.test_formula_injection import assert_text_not_formula

pytestmark = pytest.mark.django_db
TODAY = periods.today()


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))


def test_exports_follow_scope_and_neutralise_formulas(world, client_for):
    p = pairing.create_pairing(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        partner_name="=HYPERLINK()",
        partner_kind="community",
        start_date=datetime.date(2025, 1, 1),
    )
    pairing.log_activity(actor=audit.SYSTEM, pairing=p, kind="project", title="共建", date=TODAY, outside_count=9)
    s = service.log_service(
        actor=audit.SYSTEM, member=world.members["member"], date=TODAY, community="幸福社区", activity="助老", hours=2
    )
    service.confirm_service(actor=audit.SYSTEM, service=s, confirmer="社区")
    deeds.create_deed(actor=audit.SYSTEM, organization=world.branch_a1, title="修路", deadline=TODAY)
    c = client_for(world.secretary)
    response = c.get(reverse("practice:activity_export"))
    rows = _rows(response)
    assert len(rows) == 2 and rows[1][2] == "=HYPERLINK()" and rows[1][9] == 9
    assert_text_not_formula(response.content, "=HYPERLINK()")  # the one Excel layer (security review F4)
    assert len(_rows(c.get(reverse("practice:service_export")))) == 2
    assert len(_rows(c.get(reverse("practice:deed_export")))) == 2
    other = client_for(world.outsider)
    for name in ("practice:activity_export", "practice:service_export", "practice:deed_export"):
        assert len(_rows(other.get(reverse(name)))) == 1  # the header only
