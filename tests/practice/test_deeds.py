import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from branches import metric_registry, periods
from branches.models import AuditEntry
from practice.deeds import reminders, services
from practice.deeds.models import Deed, DeedStatus

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2026, 6, 30)


def make(world, org=None, actor=None, **kw):
    return services.create_deed(
        actor=actor or world.secretary,
        organization=org or world.branch_a1,
        title=kw.pop("title", "修缮小区路灯"),
        deadline=kw.pop("deadline", DEADLINE),
        **kw,
    )


def test_secretary_adds_an_item_and_completes_it_with_its_result(world):
    d = make(world, responsible_person=world.members["member"], problem="夜间出行不便")
    assert d.year == 2026 and d.status == DeedStatus.NOT_STARTED
    services.update_deed(actor=world.secretary, deed=d, status="in_progress")
    with pytest.raises(ValidationError):
        services.update_deed(actor=world.secretary, deed=d, status="done")
    d = services.update_deed(
        actor=world.secretary, deed=d, status="done", result="新装路灯12盏", satisfaction=96, today=DEADLINE
    )
    assert d.completed_on == DEADLINE
    assert AuditEntry.objects.filter(action="deed.update", object_id=str(d.pk)).count() == 2


def test_people_must_come_from_the_unit(world):
    with pytest.raises(ValidationError):
        make(world, responsible_person=world.members["outsider"])
    with pytest.raises(ValidationError):
        make(world, responsible_organization=world.branch_b1)


def test_satisfaction_is_a_percentage(world):
    d = make(world)
    with pytest.raises(ValidationError):
        services.update_deed(actor=world.secretary, deed=d, satisfaction=120)


def test_outsider_cannot_add_or_change(world):
    d = make(world)
    with pytest.raises(PermissionDenied):
        make(world, actor=world.outsider)
    with pytest.raises(PermissionDenied):
        services.update_deed(actor=world.outsider, deed=d, status="in_progress")


def test_only_completed_items_with_results_are_published_and_then_frozen(world, client_for):
    d = make(world)
    with pytest.raises(ValidationError):
        services.publish_deed(actor=world.unit_admin, deed=d)
    services.update_deed(actor=world.secretary, deed=d, status="done", result="完成")
    with pytest.raises(PermissionDenied):
        services.publish_deed(actor=world.secretary, deed=d)
    services.publish_deed(actor=world.unit_admin, deed=d)
    with pytest.raises(ValidationError):
        services.update_deed(actor=world.secretary, deed=d, result="改")
    body = client_for(world.outsider).get(reverse("practice:deed_showcase")).content.decode()
    assert "完成" in body and d.title in body


def test_completion_metrics_equal_their_lists(world, client_for):
    a, b, _c = (
        make(world, title="一"),
        make(world, title="二"),
        make(world, title="三", org=world.branch_a2, actor=world.unit_admin),
    )
    make(world, org=world.branch_b1, actor=world.committee, title="四")
    services.update_deed(actor=world.secretary, deed=a, status="done", result="好")
    period = periods.parse("2026")
    rate = metric_registry.get("practice.deeds_completion")
    done = metric_registry.get("practice.deeds_done")
    overdue = metric_registry.get("practice.deeds_overdue")
    assert rate.value(world.unit_a, period) == round(100 / 3, 1)
    assert rate.value(world.root, period) == 25.0
    assert done.value(world.root, period) == 1
    assert rate.value(world.group_a1, period) is None
    c = client_for(world.committee)
    assert 'data-total="3" data-numerator="1"' in c.get(rate.drill_url(world.unit_a, period)).content.decode()
    assert 'data-total="1"' in c.get(done.drill_url(world.root, period)).content.decode()
    late = overdue.value(world.root, period)
    assert f'data-total="{late}"' in c.get(overdue.drill_url(world.root, period)).content.decode()
    assert b.pk


def test_unit_admin_completes_an_item_on_the_page(world, client_for):
    d = make(world)
    c = client_for(world.unit_admin)
    url = reverse("practice:deed_progress", args=[d.pk])
    r = c.post(url, {"status": "done", "result": ""})
    d.refresh_from_db()
    assert r.status_code == 302 and d.status == DeedStatus.NOT_STARTED  # no result: refused, nothing saved
    c.post(url, {"status": "done", "result": "路灯全部点亮", "satisfaction": "98"})
    d.refresh_from_db()
    assert d.status == DeedStatus.DONE and d.satisfaction == 98
    c.post(reverse("practice:deed_publish", args=[d.pk]))
    d.refresh_from_db()
    assert d.published_at is not None
    page = c.get(reverse("practice:deed_detail", args=[d.pk])).content.decode()
    assert "路灯全部点亮" in page


def test_pages_404_outside_scope(world, client_for):
    d = make(world)
    for user in (world.outsider, world.other_admin):
        c = client_for(user)
        assert c.get(reverse("practice:deed_detail", args=[d.pk])).status_code == 404
        assert c.post(reverse("practice:deed_progress", args=[d.pk]), {"status": "in_progress"}).status_code == 404
    assert client_for(world.secretary).post(reverse("practice:deed_publish", args=[d.pk])).status_code == 404
    assert (
        client_for(world.outsider).get(reverse("practice:deed_completion") + f"?org={world.branch_a1.pk}").status_code
        == 404
    )


def test_creating_on_the_page(world, client_for):
    c = client_for(world.secretary)
    r = c.post(
        reverse("practice:deed_create"),
        {"organization": world.branch_a1.pk, "title": "加装扶手", "deadline": "2026-09-30"},
    )
    assert r.status_code == 302 and Deed.objects.get().title == "加装扶手"
    assert c.get(reverse("practice:deed_completion") + f"?org={world.unit_a.pk}").status_code == 404
    page = client_for(world.unit_admin).get(reverse("practice:deed_completion")).content.decode()
    assert world.branch_a1.name in page


def test_reminders_before_and_after_the_deadline(world):
    d = make(world, responsible_person=world.members["member"])
    assert not list(reminders.due(datetime.datetime(2026, 6, 1, 9)))
    soon = list(reminders.due(datetime.datetime(2026, 6, 25, 9)))
    assert {i.step for i in soon} == {"T-7"}
    assert {world.member.pk, world.secretary.pk, world.unit_admin.pk} <= {i.recipient_id for i in soon}
    late = list(reminders.due(datetime.datetime(2026, 7, 2, 9)))
    assert {i.step for i in late} == {"overdue"} and all(i.urgent for i in late)
    services.update_deed(actor=world.secretary, deed=d, status="done", result="好")
    assert not list(reminders.due(datetime.datetime(2026, 7, 2, 9)))


def test_api_writes_through_the_same_services(world, api_for):
    sec = api_for(world.secretary)
    r = sec.post(
        "/api/v1/deeds/", {"organization": world.branch_a1.pk, "title": "修路", "deadline": "2026-08-01"}, format="json"
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = sec.patch(f"/api/v1/deeds/{pk}/", {"status": "done"}, format="json")
    assert r.status_code == 400 and "result" in r.json()
    r = sec.patch(f"/api/v1/deeds/{pk}/", {"status": "done", "result": "已通车"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert sec.post(f"/api/v1/deeds/{pk}/publish/", {}, format="json").status_code == 404
    r = api_for(world.unit_admin).post(f"/api/v1/deeds/{pk}/publish/", {}, format="json")
    assert r.status_code == 200 and r.json()["published"] is True
    assert api_for(world.outsider).get(f"/api/v1/deeds/{pk}/").status_code == 404
    assert api_for(world.outsider).patch(f"/api/v1/deeds/{pk}/", {"title": "x"}, format="json").status_code == 404


def test_completion_by_unit_links_each_row_and_keeps_its_query_count(world, client_for, django_assert_max_num_queries):
    """One link target for all the rows (reversed once), the named organisation checked once (org_filter)."""
    import re

    from branches import audit as audit_log
    from branches import services as branch_services
    from branches.models import OrganizationKind
    from tests.notices.helpers import count_queries

    make(world)
    c = client_for(world.committee)
    url = reverse("practice:deed_completion") + f"?org={world.root.pk}&year=2026"
    c.get(url)
    with count_queries() as few:
        c.get(url)
    for i in range(4):
        unit = branch_services.create_organization(
            actor=audit_log.SYSTEM, name=f"新局{i}机关党委", kind=OrganizationKind.PARTY_COMMITTEE, parent=world.root
        )
        make(world, org=unit, actor=world.committee, title=f"事项{i}")
    with django_assert_max_num_queries(few.n):
        page = c.get(url).content.decode()
    links = dict(re.findall(r'<a href="([^"]+)">([^<]+)</a></td>', page))
    deeds = reverse("practice:deed_list")
    expected = [world.unit_a, world.unit_b] + [o for o in world.root.children.all() if o.name.startswith("新局")]
    assert {name: href for href, name in links.items()} == {o.name: f"{deeds}?org={o.pk}&year=2026" for o in expected}
    assert re.search(r'data-testid="completion-total">共5项，已完成0项，逾期\d项。', page)
    # A named organisation outside the user's scope is still a 404; without ?org= the user's own one is shown.
    assert (
        client_for(world.outsider).get(reverse("practice:deed_completion") + f"?org={world.unit_a.pk}").status_code
        == 404
    )
    assert (
        world.branch_a1.name in client_for(world.unit_admin).get(reverse("practice:deed_completion")).content.decode()
    )
