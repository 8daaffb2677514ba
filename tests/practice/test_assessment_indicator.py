"""The assessment reads practice figures as computed indicators, by name (no import of the practice app)."""

import datetime

import pytest

from assessment.models import IndicatorResult, Method
from branches import audit
from practice.pairing import services as pairing
from tests.assessment.factories import make_system, open_live_cycle

pytestmark = pytest.mark.django_db


def test_pairing_activities_held_feed_a_computed_indicator(world):
    system = make_system(year=2026, metric="practice.pairing_activities")
    p = pairing.create_pairing(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        partner_name="幸福社区党委",
        partner_kind="community",
        start_date=datetime.date(2026, 1, 1),
    )
    day = datetime.date(2026, 3, 10)
    for i in range(3):
        pairing.log_activity(actor=audit.SYSTEM, pairing=p, kind="project", title=f"共建{i}", date=day, today=day)
    cycle = open_live_cycle(system, world.unit_a)
    results = {
        r.assessment.organization_id: r.computed_value
        for r in IndicatorResult.objects.filter(
            assessment__cycle=cycle, indicator__method=Method.COMPUTED
        ).select_related("assessment")
    }
    assert results[world.branch_a1.pk] == 3
    assert results[world.branch_a2.pk] == 0
