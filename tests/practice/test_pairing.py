import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from branches import audit, metric_registry, periods
from branches.models import AuditEntry
from practice.pairing import services
from practice.pairing.models import JointActivity, Pairing
from tests.samples.practice import png

pytestmark = pytest.mark.django_db
FUTURE = (periods.today() + datetime.timedelta(days=30)).isoformat()  # inside the date bounds, after today
START = datetime.date(2026, 1, 5)
DAY = datetime.date(2026, 3, 10)


def make_pairing(world, org=None, actor=None, **kw):
    return services.create_pairing(
        actor=actor or world.unit_admin,
        organization=org or world.branch_a1,
        partner_name=kw.pop("partner_name", "幸福社区党委"),
        partner_kind=kw.pop("partner_kind", "community"),
        start_date=kw.pop("start_date", START),
        **kw,
    )


def project(world, pairing, title, date, today=None, **extra):
    """A joint project logged by the branch secretary on ``date`` (``today`` defaults to that day)."""
    return services.log_activity(
        actor=world.secretary, pairing=pairing, kind="project", title=title, date=date, today=today or date, **extra
    )


def test_unit_admin_records_a_pairing_and_it_is_audited(world):
    p = make_pairing(world, goals="共学共建")
    assert p.is_active
    assert AuditEntry.objects.filter(action="pairing.create", object_id=str(p.pk)).exists()


def test_secretary_cannot_record_a_pairing(world):
    with pytest.raises(PermissionDenied):
        make_pairing(world, actor=world.secretary)


def test_pairing_needs_a_partner_name_and_type(world):
    with pytest.raises(ValidationError):
        make_pairing(world, partner_name=" ")
    with pytest.raises(ValidationError):
        make_pairing(world, partner_kind="moon")


def test_secretary_logs_an_activity_with_participants_and_photos(world):
    p = make_pairing(world)
    a = services.log_activity(
        actor=world.secretary,
        pairing=p,
        kind="joint_study",
        title="联学党的二十大精神",
        date=DAY,
        participants=[world.members["member"]],
        outside_count=12,
        photos=[png()],
        today=DAY,
    )
    assert list(a.participants.all()) == [world.members["member"]]
    assert a.photos.count() == 1 and a.photos.get().thumbnail
    assert AuditEntry.objects.filter(action="pairing.activity.log").exists()


def test_participants_must_come_from_the_secretarys_own_register(world):
    p = make_pairing(world)
    with pytest.raises(ValidationError):
        services.log_activity(
            actor=world.secretary,
            pairing=p,
            kind="joint_study",
            title="x",
            date=DAY,
            participants=[world.members["outsider"]],
            today=DAY,
        )
    assert not JointActivity.objects.exists()


def test_activity_date_rules(world):
    p = make_pairing(world)
    for day in (DAY + datetime.timedelta(days=1), START - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.log_activity(actor=world.secretary, pairing=p, kind="project", title="x", date=day, today=DAY)


def test_the_partner_side_secretary_logs_too_and_outsiders_cannot(world):
    p = make_pairing(world, partner_kind="organ_branch", partner_organization=world.branch_a2)
    services.log_activity(actor=world.outsider, pairing=p, kind="theme_day", title="共过主题党日", date=DAY, today=DAY)
    other = make_pairing(world)
    with pytest.raises(PermissionDenied):
        services.log_activity(actor=world.outsider, pairing=other, kind="project", title="x", date=DAY, today=DAY)


def test_ending_a_pairing_keeps_its_history(world):
    p = make_pairing(world)
    services.log_activity(actor=world.secretary, pairing=p, kind="project", title="x", date=DAY, today=DAY)
    services.end_pairing(actor=world.unit_admin, pairing=p, end_date=DAY, reason="调整")
    p.refresh_from_db()
    assert not p.is_active and p.activities.count() == 1
    with pytest.raises(ValidationError):
        services.end_pairing(actor=world.unit_admin, pairing=p, end_date=DAY)
    with pytest.raises(ValidationError):
        services.update_pairing(actor=world.unit_admin, pairing=p, goals="x")


def test_coverage_and_activity_metrics_equal_their_lists(world, client_for):
    p = make_pairing(world)
    for i in range(3):
        services.log_activity(actor=world.secretary, pairing=p, kind="project", title=f"a{i}", date=DAY, today=DAY)
    make_pairing(world, org=world.branch_b1, actor=world.committee, start_date=datetime.date(2027, 1, 1))
    period = periods.parse("2026")
    coverage = metric_registry.get("practice.pairing_coverage")
    activities = metric_registry.get("practice.pairing_activities")
    assert coverage.value(world.root, period) == 1  # the unit-b pairing starts next year
    assert activities.value(world.root, period) == 3
    assert activities.value(world.unit_b, period) == 0
    c = client_for(world.committee)
    page = c.get(coverage.drill_url(world.root, period)).content.decode()
    assert 'data-total="1"' in page
    page = c.get(activities.drill_url(world.root, period)).content.decode()
    assert 'data-total="3"' in page


def test_idle_list_shows_pairings_without_activity_this_half_year(world, client_for):
    quiet = make_pairing(world, partner_name="安静村")
    busy = make_pairing(world, partner_name="热闹企业")
    today = periods.today()
    services.log_activity(actor=world.secretary, pairing=busy, kind="project", title="x", date=today, today=today)
    body = client_for(world.committee).get(reverse("practice:pairing_list") + "?status=idle").content.decode()
    assert quiet.partner_name in body and busy.partner_name not in body


def test_pages_answer_404_outside_scope(world, client_for):
    p = make_pairing(world)
    for user in (world.outsider, world.other_admin):
        c = client_for(user)
        assert c.get(reverse("practice:pairing_detail", args=[p.pk])).status_code == 404
        assert c.get(reverse("practice:activity_create", args=[p.pk])).status_code == 404
        assert c.post(reverse("practice:pairing_end", args=[p.pk]), {"end_date": "2026-03-01"}).status_code == 404
    assert client_for(world.secretary).post(reverse("practice:pairing_end", args=[p.pk])).status_code == 404


def test_secretary_logs_an_activity_on_the_page(world, client_for):
    p = make_pairing(world)
    c = client_for(world.secretary)
    url = reverse("practice:activity_create", args=[p.pk])
    assert c.get(url).status_code == 200
    today = periods.today().isoformat()
    r = c.post(
        url,
        {
            "kind": "joint_study",
            "title": "联学",
            "date": today,
            "outside_count": "8",
            "participants": [world.members["member"].pk],
            "photos": [png("a.png"), png("b.png")],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    a = JointActivity.objects.get()
    assert a.photos.count() == 2 and a.participants.count() == 1
    detail = c.get(r["Location"])
    assert detail.status_code == 200
    photo = a.photos.first()
    assert c.get(reverse("practice:activity_photo_thumb", args=[photo.pk])).status_code == 200
    assert client_for(world.outsider).get(reverse("practice:activity_photo", args=[photo.pk])).status_code == 404


def test_a_bad_page_submission_says_why_and_saves_nothing(world, client_for):
    p = make_pairing(world)
    r = client_for(world.secretary).post(
        reverse("practice:activity_create", args=[p.pk]), {"kind": "project", "title": "x", "date": FUTURE}
    )
    assert r.status_code == 200 and not JointActivity.objects.exists()


def test_unit_admin_records_and_ends_a_pairing_on_the_page(world, client_for):
    c = client_for(world.unit_admin)
    r = c.post(
        reverse("practice:pairing_create"),
        {
            "organization": world.branch_a1.pk,
            "partner_name": "东城社区",
            "partner_kind": "community",
            "start_date": "2026-01-01",
        },
    )
    assert r.status_code == 302
    p = Pairing.objects.get()
    r = c.post(reverse("practice:pairing_end", args=[p.pk]), {"end_date": "2026-06-30", "reason": "到期"})
    p.refresh_from_db()
    assert p.end_date == datetime.date(2026, 6, 30)
    assert client_for(world.secretary).get(reverse("practice:pairing_create")).status_code == 404


def test_api_writes_through_the_same_services(world, api_for):
    api = api_for(world.unit_admin)
    r = api.post(
        "/api/v1/pairings/",
        {
            "organization": world.branch_a1.pk,
            "partner_name": "南湖村",
            "partner_kind": "village",
            "start_date": "2026-01-01",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    sec = api_for(world.secretary)
    r = sec.post(
        "/api/v1/joint-activities/",
        {"pairing": pk, "kind": "project", "title": "修路", "date": periods.today().isoformat(), "outside_count": 3},
        format="json",
    )
    assert r.status_code == 201, r.content
    act = r.json()["id"]
    r = sec.post(f"/api/v1/joint-activities/{act}/photos/", {"file": png()}, format="multipart")
    assert r.status_code == 201, r.content
    r = sec.post(
        "/api/v1/joint-activities/",
        {"pairing": pk, "kind": "project", "title": "x", "date": FUTURE},
        format="json",
    )
    assert r.status_code == 400 and "date" in r.json() or "detail" in r.json()
    assert sec.post(f"/api/v1/pairings/{pk}/end/", {"end_date": "2026-06-01"}, format="json").status_code == 404
    r = api.post(f"/api/v1/pairings/{pk}/end/", {"end_date": "2026-06-01"}, format="json")
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert AuditEntry.objects.filter(action="pairing.end").exists()
    out = api_for(world.outsider)
    assert out.get(f"/api/v1/pairings/{pk}/").status_code == 404
    assert out.get(f"/api/v1/joint-activities/{act}/").status_code == 404


def test_lists_keep_their_query_count(world, client_for, django_assert_max_num_queries):
    c = client_for(world.committee)
    urls = [
        reverse(n)
        for n in (
            "practice:pairing_list",
            "practice:activity_list",
            "practice:pairing_quarters",
            "practice:pairing_coverage",
        )
    ]
    for _round in range(2):
        p = make_pairing(world)
        for i in range(3):
            project(world, p, f"{i}", periods.today())
        for url in urls:
            with django_assert_max_num_queries(25):
                assert c.get(url).status_code == 200


def test_system_actor_is_audited(world):
    p = make_pairing(world, actor=audit.SYSTEM)
    assert AuditEntry.objects.filter(action="pairing.create", object_id=str(p.pk)).exists()


def test_the_activity_list_counts_each_rows_participants_in_fixed_queries(
    world, client_for, django_assert_max_num_queries
):
    """The participants are counted for the page's rows in one query, not by grouping the whole period."""
    import re

    from branches.models import Member
    from tests.notices.helpers import count_queries

    p = make_pairing(world)
    people = [world.members["member"], world.members["secretary"]]
    services.log_activity(
        actor=world.secretary, pairing=p, kind="project", title="甲", date=DAY, participants=people, today=DAY
    )
    c = client_for(world.committee)
    url = reverse("practice:activity_list") + f"?period=2026&org={world.root.pk}"
    c.get(url)
    with count_queries() as few:
        c.get(url)
    extra = [Member.objects.create(organization=world.branch_a1, name=f"党员{i}", category="full") for i in range(3)]
    for i in range(34):
        day = DAY + datetime.timedelta(days=1 + i)
        project(
            world,
            p,
            f"活动{i:02}",
            day,
            participants=extra[: i % 4],
            outside_count=i,
            today=DAY + datetime.timedelta(days=40),
        )
    with django_assert_max_num_queries(few.n):
        page = c.get(url).content.decode()
    assert 'data-total="35"' in page
    # Newest first, 30 to a page: 活动33 (33 % 4 = 1 of ours, 33 from outside) down to 活动04.
    shown = re.findall(r'<div class="fw-semibold">(活动\d+|甲)</div>\s*<div[^>]*>[^<]*我方(\d+)人，对方(\d+)人', page)
    assert [t for t, _n, _o in shown] == [f"活动{i:02}" for i in range(33, 3, -1)]
    assert all(int(n) == int(t[2:]) % 4 and int(o) == int(t[2:]) for t, n, o in shown)
    assert f'<div class="small text-muted">{(DAY + datetime.timedelta(days=34)).isoformat()} · ' in page  # 活动33
    rest = c.get(url + "&page=2").content.decode()
    assert re.findall(r'<div class="fw-semibold">([^<]+)</div>', rest) == ["活动03", "活动02", "活动01", "活动00", "甲"]
    assert "我方2人，对方0人" in rest and "我方0人，对方0人" in rest  # 甲 had both members; 活动00 nobody


def test_a_whole_tree_scope_reads_pairings_and_activities_without_a_subquery(world):
    p = make_pairing(world)
    services.log_activity(actor=world.secretary, pairing=p, kind="project", title="甲", date=DAY, today=DAY)
    for model, table in ((Pairing, "practice_pairing"), (JointActivity, "practice_jointactivity")):
        city = model.objects.visible_to(world.committee)
        assert city.count() == 1 and "branches_organization" not in str(city.query)
        assert table in str(city.query) and "U0" not in str(city.query)
        assert model.objects.visible_to(world.secretary).count() == 1
        assert model.objects.visible_to(world.outsider).count() == 0


def test_coverage_lists_each_unit_once_whatever_its_organisations_and_pairings(world, client_for):
    """DISTINCT works on the unit (the models' ordering no longer joins it): one row per unit, by name."""
    import re

    from practice.pairing import stats

    for org in (world.branch_a1, world.branch_a1, world.branch_a2, world.unit_a):
        make_pairing(world, org=org, actor=world.committee)
    period = periods.parse("2026")
    assert stats.covered_units([world.root, world.unit_b], period) == {
        world.root.pk: {world.unit_a.unit_id},
        world.unit_b.pk: set(),
    }
    assert stats.units_under(world.root) == {world.unit_b.unit_id: "乙局", world.unit_a.unit_id: "甲局"}
    page = client_for(world.committee).get(reverse("practice:pairing_coverage") + "?period=2026").content.decode()

    def names(testid):
        block = page.split(f'data-testid="{testid}">')[1].split("</ul>")[0]
        return re.findall(r'<li class="list-group-item">([^<]+)</li>', block)

    assert names("covered-units") == ["甲局"] and names("uncovered-units") == ["乙局"]
