import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from branches.models import AuditEntry
from supervision import services as supervision_services
from supervision.campaigns import brands, services
from supervision.campaigns.models import BrandTheme, CampaignEntry, TitleEvent
from supervision.models import EscalationRule

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 3, 1, 10))


def campaign_for(world, **kw):
    return services.create_campaign(
        actor=world.committee,
        title=kw.get("title", "2026年模范机关创建"),
        year=2026,
        apply_deadline=datetime.date(2026, 3, 31),
        organization=world.root,
    )


def named_entry(world, score_each=None):
    c = campaign_for(world)
    e = services.apply(actor=world.unit_admin, campaign=c, organization=world.unit_a, plan="创建方案", now=NOW)
    services.decide(actor=world.committee, entry=e, accept=True)
    services.report_progress(actor=world.unit_admin, entry=e, content="上半年进展", now=NOW)
    scores = {s.pk: (s.max_score if score_each is None else score_each) for s in c.standards.all()}
    services.evaluate(actor=world.committee, entry=e, scores=scores)
    return services.name_entry(actor=world.committee, entry=e, now=NOW)


def test_unit_applies_is_accepted_reports_progress_is_evaluated_and_named(world):
    e = named_entry(world)
    assert e.status == "named" and e.title == "exemplary" and e.score == Decimal("100.00")
    assert e.recheck_due == datetime.date(2027, 3, 1)
    assert list(e.events.values_list("kind", flat=True)) == ["named"]


def test_title_thresholds_are_data(world):
    c = campaign_for(world)
    assert services.title_for(c, Decimal("90")) == "exemplary"
    assert services.title_for(c, Decimal("89.99")) == "advanced"
    assert services.title_for(c, Decimal("79.99")) == ""
    c.advanced_min_score = Decimal("70")
    assert services.title_for(c, Decimal("75")) == "advanced"


def test_only_the_unit_applies_and_only_once(world):
    c = campaign_for(world)
    with pytest.raises(PermissionDenied):
        services.apply(actor=world.other_admin, campaign=c, organization=world.unit_a, plan="x", now=NOW)
    services.apply(actor=world.unit_admin, campaign=c, organization=world.unit_a, plan="x", now=NOW)
    with pytest.raises(ValidationError):
        services.apply(actor=world.unit_admin, campaign=c, organization=world.unit_a, plan="x", now=NOW)


def test_scores_must_cover_every_standard_within_its_maximum(world):
    c = campaign_for(world)
    e = services.apply(actor=world.unit_admin, campaign=c, organization=world.unit_a, plan="x", now=NOW)
    services.decide(actor=world.committee, entry=e, accept=True)
    standards = list(c.standards.all())
    with pytest.raises(ValidationError):
        services.evaluate(actor=world.committee, entry=e, scores={standards[0].pk: 1})
    with pytest.raises(ValidationError):
        services.evaluate(actor=world.committee, entry=e, scores={s.pk: s.max_score + 1 for s in standards})


def test_a_failed_recheck_revokes_the_title_and_keeps_history(world):
    e = named_entry(world)
    services.recheck(actor=world.committee, entry=e, passed=False, note="台账不全", now=NOW)
    e.refresh_from_db()
    assert e.status == "revoked" and e.title == "exemplary"  # the title once held stays on record
    assert list(e.events.values_list("kind", flat=True)) == ["named", "recheck_failed", "revoked"]


def test_a_red_card_inside_a_named_unit_revokes_its_title(world):
    from tests.supervision.helpers import finding_for

    e = named_entry(world)
    rect = finding_for(world).rectifications.get()
    rule = EscalationRule.objects.filter(colour="red").first()
    red = supervision_services._issue(rule, world.branch_a1.pk, rectification=rect, reason="屡查屡犯", now=NOW)
    e.refresh_from_db()
    assert e.status == "revoked"
    assert TitleEvent.objects.get(entry=e, kind="revoked").card == red
    assert AuditEntry.objects.filter(action="campaigns.revoke").exists()


def test_a_yellow_card_leaves_the_title(world):
    from tests.supervision.helpers import finding_for

    e = named_entry(world)
    rect = finding_for(world).rectifications.get()
    rule = EscalationRule.objects.filter(colour="yellow").first()
    supervision_services._issue(rule, world.branch_a1.pk, rectification=rect, reason="逾期", now=NOW)
    e.refresh_from_db()
    assert e.status == "named"


def test_brand_registered_reported_reviewed_and_named(world):
    theme = BrandTheme.objects.get_or_create(name="为民服务")[0]
    b = brands.register(
        actor=world.secretary,
        organization=world.branch_a1,
        year=2026,
        theme=theme,
        name="红心向党",
        idea="理念",
        measures="举措",
        expected_results="成效",
    )
    with pytest.raises(PermissionDenied):
        brands.report_results(actor=world.outsider, brand=b, results="x")
    brands.report_results(actor=world.secretary, brand=b, results="取得成效")
    with pytest.raises(PermissionDenied):
        brands.unit_review(actor=world.secretary, brand=b, score=90, opinion="好")
    brands.unit_review(actor=world.unit_admin, brand=b, score=92, opinion="推荐")
    b = brands.committee_decide(actor=world.committee, brand=b, named=True)
    assert b.status == "named" and b.named_at
    assert CampaignEntry.objects.count() == 0


def test_progress_and_recheck_reminders(world):
    from supervision import reminders

    e = named_entry(world)  # progress for 2026-H1 filed on 2026-03-01, named then; re-check due 2027-03-01
    at = timezone.make_aware(datetime.datetime(2026, 12, 10, 9))
    progress = [d for d in reminders.due(at) if d.kind == "campaigns.progress_due"]
    assert {(d.object_id, d.step, d.recipient_id) for d in progress} == {(e.pk, "2026-H2:1m", world.unit_admin.pk)}
    services.report_progress(actor=world.unit_admin, entry=e, content="下半年", now=at)
    assert not [d for d in reminders.due(at) if d.kind == "campaigns.progress_due"]
    recheck_at = timezone.make_aware(datetime.datetime(2027, 2, 25, 9))
    due = [d for d in reminders.due(recheck_at) if d.kind == "campaigns.recheck_due"]
    assert {(d.step, d.recipient_id) for d in due} == {("T-7", world.committee.pk)}
