import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from branches import metric_registry, periods
from branches.models import AuditEntry
from practice.service import reminders, services, stats
from practice.service.models import ServiceSettings, ServiceStatus, VolunteerService

pytestmark = pytest.mark.django_db
FUTURE = (periods.today() + datetime.timedelta(days=30)).isoformat()  # inside the date bounds, after today
DAY = datetime.date(2026, 5, 10)


def log(world, who="member", hours=2, actor=None, day=DAY):
    member = world.members[who]
    return services.log_service(
        actor=actor or world.users[who],
        member=member,
        date=day,
        community="幸福社区",
        activity="助老",
        hours=hours,
        today=day,
    )


def test_member_registers_their_community_and_changes_it(world):
    m = world.members["member"]
    services.register_residence(actor=world.member, member=m, community="幸福社区")
    services.register_residence(actor=world.member, member=m, community="和平社区", district="东城区")
    m.residence.refresh_from_db()
    assert m.residence.community == "和平社区"
    assert AuditEntry.objects.filter(action="service.residence").count() == 2


def test_a_member_cannot_register_someone_else(world):
    with pytest.raises(PermissionDenied):
        services.register_residence(actor=world.member, member=world.members["outsider"], community="x")


def test_member_logs_hours_and_the_secretary_confirms(world):
    s = log(world)
    assert s.status == ServiceStatus.PENDING
    services.confirm_service(actor=world.secretary, service=s, confirmer="社区书记王某")
    s.refresh_from_db()
    assert s.status == ServiceStatus.CONFIRMED and s.confirmer == "社区书记王某"
    with pytest.raises(ValidationError):
        services.confirm_service(actor=world.secretary, service=s, confirmer="again")


def test_member_cannot_confirm_and_outsider_cannot_either(world):
    s = log(world)
    for user in (world.member, world.outsider):
        with pytest.raises(PermissionDenied):
            services.confirm_service(actor=user, service=s, confirmer="x")


def test_confirmation_names_the_contact(world):
    with pytest.raises(ValidationError):
        services.confirm_service(actor=world.secretary, service=log(world), confirmer=" ")


@pytest.mark.parametrize("hours", [0, -1, 25, "abc"])
def test_bad_hours_are_refused(world, hours):
    with pytest.raises(ValidationError):
        log(world, hours=hours)
    assert not VolunteerService.objects.exists()


def test_future_service_is_refused(world):
    with pytest.raises(ValidationError):
        services.log_service(
            actor=world.member,
            member=world.members["member"],
            date=DAY,
            community="x",
            activity="y",
            hours=1,
            today=DAY - datetime.timedelta(days=1),
        )


def test_hours_metrics_count_only_confirmed_service_and_equal_the_list(world, client_for):
    a, b = log(world, hours=3), log(world, hours=2.5)
    log(world, hours=4)  # pending: not counted
    for s in (a, b):
        services.confirm_service(actor=world.secretary, service=s, confirmer="社区")
    period = periods.parse("2026")
    hours = metric_registry.get("practice.volunteer_hours")
    per_member = metric_registry.get("practice.volunteer_hours_per_member")
    assert hours.value(world.root, period) == 5.5
    assert hours.value(world.unit_b, period) == 0
    assert per_member.value(world.branch_a1, period) == round(5.5 / 2, 1)  # two party members in branch a1
    page = client_for(world.committee).get(hours.drill_url(world.root, period)).content.decode()
    assert 'data-count="2"' in page and 'data-total="5.5"' in page and 'data-per-member="1.8"' in page


def test_a_party_group_counts_hours_and_members_through_party_group(world):
    """A party group's members are registered at their branch: the group's hours and head count both
    come through ``party_group`` (as the organisation list counts them), each member once."""
    from branches.models import Member

    member = world.members["member"]
    Member.objects.filter(pk=member.pk).update(party_group=world.group_a1)
    services.confirm_service(actor=world.secretary, service=log(world, hours=3), confirmer="社区")
    period = periods.parse("2026")
    hours = metric_registry.get("practice.volunteer_hours")
    per_member = metric_registry.get("practice.volunteer_hours_per_member")
    assert hours.value(world.group_a1, period) == 3
    assert per_member.value(world.group_a1, period) == 3.0  # one grouped party member
    assert hours.value(world.branch_a1, period) == 3  # and once, not twice, in the branch above
    assert per_member.value(world.branch_a1, period) == round(3 / 2, 1)


def test_member_page_logs_and_registers(world, client_for):
    c = client_for(world.member)
    url = reverse("practice:service_mine")
    assert c.get(url).status_code == 200
    assert c.post(url, {"action": "residence", "community": "幸福社区"}).status_code == 302
    today = periods.today().isoformat()
    r = c.post(url, {"action": "service", "date": today, "community": "幸福社区", "activity": "助老", "hours": "2"})
    assert r.status_code == 302
    r = c.post(url, {"action": "service", "date": FUTURE, "community": "x", "activity": "y", "hours": "2"})
    assert r.status_code == 200 and VolunteerService.objects.count() == 1
    # No register entry of their own: the menu entry explains instead of a 404, and nothing can be logged.
    staff = client_for(world.committee)
    page = staff.get(url)
    assert page.status_code == 200 and 'data-testid="empty-state"' in page.content.decode()
    assert 'data-testid="my-totals"' not in page.content.decode()
    assert staff.post(url, {"action": "residence", "community": "幸福社区"}).status_code == 404


def test_secretary_confirms_on_the_page_and_outsiders_get_404(world, client_for):
    s = log(world)
    url = reverse("practice:service_confirm", args=[s.pk])
    assert client_for(world.outsider).post(url, {"confirmer": "x", "decision": "confirm"}).status_code == 404
    assert client_for(world.member).post(url, {"confirmer": "x", "decision": "confirm"}).status_code == 404
    c = client_for(world.secretary)
    assert "confirm-form" in c.get(reverse("practice:service_list") + "?status=pending").content.decode()
    c.post(url, {"confirmer": "社区书记", "decision": "confirm"})
    s.refresh_from_db()
    assert s.status == ServiceStatus.CONFIRMED


def test_member_hours_page_shows_totals_and_scope(world, client_for):
    s = log(world, hours=3, day=periods.today())
    services.confirm_service(actor=world.secretary, service=s, confirmer="社区")
    body = client_for(world.secretary).get(reverse("practice:service_members")).content.decode()
    # The total as the database sums it (3.0 on PostgreSQL, 3 on SQLite).
    assert re.search(r'data-hours="3(\.0+)?"', body)
    url = reverse("practice:service_members") + f"?org={world.branch_a1.pk}"
    assert client_for(world.outsider).get(url).status_code == 404


def test_q4_reminder_goes_to_members_below_target_only(world):
    ok = log(world, who="secretary", hours=8, day=datetime.date(2026, 3, 1))
    services.confirm_service(actor=world.unit_admin, service=ok, confirmer="社区")
    log(world, hours=8, day=datetime.date(2026, 3, 1))  # pending: does not count
    assert not list(reminders.due(datetime.datetime(2026, 9, 30, 12)))
    items = list(reminders.due(datetime.datetime(2026, 10, 2, 12)))
    recipients = {i.recipient_id for i in items}
    assert world.member.pk in recipients and world.secretary.pk not in recipients
    assert all(i.step == "2026" for i in items)


def test_the_target_is_data(world):
    ServiceSettings.objects.create(target_activities=1, target_hours=Decimal("0"), remind_from_month=11)
    s = log(world, hours=1, day=datetime.date(2026, 3, 1))
    services.confirm_service(actor=world.secretary, service=s, confirmer="社区")
    assert not list(reminders.due(datetime.datetime(2026, 10, 15, 12)))
    recipients = {i.recipient_id for i in reminders.due(datetime.datetime(2026, 11, 15, 12))}
    assert world.member.pk not in recipients and world.outsider.pk in recipients


def test_api_logs_confirms_and_keeps_scope(world, api_for):
    me = api_for(world.member)
    member = world.members["member"]
    today = periods.today().isoformat()
    r = me.post(
        "/api/v1/volunteer-services/",
        {"member": member.pk, "date": today, "community": "幸福社区", "activity": "助老", "hours": "2.0"},
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert me.get(f"/api/v1/volunteer-services/{pk}/").status_code == 200
    assert me.post(f"/api/v1/volunteer-services/{pk}/confirm/", {"confirmer": "x"}, format="json").status_code == 404
    assert api_for(world.outsider).get(f"/api/v1/volunteer-services/{pk}/").status_code == 404
    r = api_for(world.secretary).post(
        f"/api/v1/volunteer-services/{pk}/confirm/", {"confirmer": "社区书记"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = me.post("/api/v1/residences/", {"member": member.pk, "community": "幸福社区"}, format="json")
    assert r.status_code == 201, r.content
    r = me.post(
        "/api/v1/volunteer-services/",
        {"member": world.members["outsider"].pk, "date": today, "community": "x", "activity": "y", "hours": "1"},
        format="json",
    )
    assert r.status_code == 400  # not a member they may choose
    r = api_for(world.unit_admin).post(
        "/api/v1/community-reports/",
        {"organization": world.unit_a.pk, "community": "幸福社区", "reported_on": today},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert AuditEntry.objects.filter(action="service.unit_report").exists()


def test_unit_report_page(world, client_for):
    c = client_for(world.unit_admin)
    r = c.post(
        reverse("practice:community_report_create"),
        {"organization": world.unit_a.pk, "community": "幸福社区", "reported_on": "2026-03-01"},
    )
    assert r.status_code == 302
    assert "幸福社区" in c.get(reverse("practice:community_report_list")).content.decode()
    assert client_for(world.secretary).get(reverse("practice:community_report_create")).status_code == 404


def test_the_list_names_same_named_branches_with_their_unit(world, client_for):
    """Two "办公室党支部" under two units: the committee's list tells them apart (issue 23)."""
    from branches import audit as audit_log
    from branches import services as branch_services
    from branches.models import Member, OrganizationKind

    for unit in (world.unit_a, world.unit_b):
        office = branch_services.create_organization(
            actor=audit_log.SYSTEM, name="办公室党支部", kind=OrganizationKind.BRANCH, parent=unit
        )
        member = Member.objects.create(organization=office, name=f"{unit.name}党员", category="full")
        services.log_service(
            actor=world.committee, member=member, date=DAY, community="幸福社区", activity="助老", hours=2, today=DAY
        )
    page = client_for(world.committee).get(reverse("practice:service_list") + "?period=2026").content.decode()
    assert "甲局 / 办公室党支部" in page and "乙局 / 办公室党支部" in page


def _figures(page: str) -> dict:
    tag = re.search(r'<p[^>]*data-testid="list-count"[^>]*>', page).group(0)
    return dict(re.findall(r'data-(count|total|per-member)="([^"]*)"', tag))


def test_the_list_counts_and_sums_every_record_in_one_aggregate_and_keeps_its_query_count(
    world, client_for, django_assert_max_num_queries
):
    """Count and hours come from one aggregate the paginator reuses; the denominator is one count of the
    organisation's party members: the queries stay the same whatever the number of records."""
    from tests.notices.helpers import count_queries

    c = client_for(world.committee)
    root = reverse("practice:service_list") + f"?period=2026&org={world.root.pk}"
    log(world, hours=3)
    log(world, who="outsider", hours=2)
    c.get(root)
    stats.FIGURES.changed()  # measured as computed, not as kept
    with count_queries() as few:
        first = c.get(root).content.decode()
    # Three party members under the root: (3 + 2) / 3 hours each; records of every status count in the list.
    assert _figures(first) == {"count": "2", "total": "5.0", "per-member": "1.7"}
    members = [world.members[k] for k in ("member", "secretary", "outsider")]
    VolunteerService.objects.bulk_create(
        VolunteerService(
            member=members[i % 3], date=DAY, community="社区", activity=f"活动{i}", hours=Decimal("1.5"), status=status
        )
        for i in range(40)
        for status in [(ServiceStatus.PENDING, ServiceStatus.CONFIRMED, ServiceStatus.REJECTED)[i % 3]]
    )
    stats.FIGURES.changed()  # bulk_create sends no post_save (the portal itself writes records one by one)
    with django_assert_max_num_queries(few.n):
        page = c.get(root).content.decode()
    assert _figures(page) == {"count": "42", "total": "65.0", "per-member": "21.7"}
    assert page.count('class="list-group-item"') == 30
    # Each row's badge and date as before: newest first, the status label translated once for the page.
    badges = re.findall(r'<span class="badge text-bg-(\w+)">([^<]+)</span>', page)
    assert set(badges) == {("warning", "待确认"), ("success", "已确认"), ("secondary", "社区未确认")}
    assert len(badges) == 30 and page.count(f"{DAY.isoformat()} · 社区 · 活动") == 30
    assert c.get(root + "&page=2").content.decode().count('class="list-group-item"') == 12
    # A subtree: branch a2 holds the outsider alone (13 of the bulk records and the logged 2 hours).
    a2 = _figures(c.get(reverse("practice:service_list") + f"?period=2026&org={world.branch_a2.pk}").content.decode())
    assert a2 == {"count": "14", "total": "21.5", "per-member": "21.5"}
    pending = _figures(c.get(root + "&status=pending").content.decode())
    assert pending == {"count": "16", "total": "26.0", "per-member": "8.7"}


def test_a_keeper_sees_their_organisations_records_and_their_own_wherever_their_membership_is(world):
    """The member of 甲局第一党支部 also keeps 乙局第一党支部's records: they see 乙局's and their own, not their
    branch colleagues'. Their own come by member id, in the same one query as the organisation's."""
    from branches import audit
    from branches import services as branch_services
    from branches.models import Member, MemberCategory
    from branches.roles import Role
    from portal.models import User

    own, colleague = log(world, "member"), log(world, "secretary")
    there = Member.objects.create(organization=world.branch_b1, name="乙局党员", category=MemberCategory.FULL)
    theirs = services.log_service(
        actor=audit.SYSTEM, member=there, date=DAY, community="和平社区", activity="助学", hours=3, today=DAY
    )
    assert set(VolunteerService.objects.visible_to(world.member)) == {own}  # a plain member: their own only
    branch_services.grant_role(
        actor=audit.SYSTEM, user=world.member, organization=world.branch_b1, role=Role.SECRETARY, include_subtree=True
    )
    keeper = User.objects.get(pk=world.member.pk)  # the new grant, not the cached ones
    assert set(VolunteerService.objects.visible_to(keeper)) == {own, theirs}
    assert set(VolunteerService.objects.visible_to(keeper, "change")) == {theirs}
    assert set(VolunteerService.objects.visible_to(world.secretary)) == {own, colleague}
    assert not VolunteerService.objects.visible_to(world.outsider).exists()


def test_the_list_keeps_its_totals_and_a_written_record_shows_on_the_next_view(world, client_for):
    """PRACTICE_SUMMARY_SECONDS: the totals are kept between views (no aggregate, no member count), a record
    logged or confirmed shows at once, and a reader with another scope never gets another scope's totals."""
    from tests.notices.helpers import count_queries

    c = client_for(world.committee)
    root = reverse("practice:service_list") + f"?period=2026&org={world.root.pk}"
    log(world, hours=3)
    with count_queries() as cold:
        assert _figures(c.get(root).content.decode())["count"] == "1"
    with count_queries() as kept:
        assert _figures(c.get(root).content.decode())["count"] == "1"
    assert kept.n <= cold.n - 2  # neither the aggregate nor the party members' count is taken again
    record = log(world, who="outsider", hours=2)
    assert _figures(c.get(root).content.decode()) == {"count": "2", "total": "5.0", "per-member": "1.7"}
    services.confirm_service(actor=world.committee, service=record, confirmer="社区书记", confirmed=True)
    confirmed = _figures(c.get(root + "&status=confirmed").content.decode())
    assert confirmed["count"] == "1" and confirmed["total"] == "2.0"
    # Branch a1's secretary reads the same list over their own scope (a1 holds the member, a2 the outsider):
    # their own totals, not the committee's kept ones.
    assert _figures(c.get(reverse("practice:service_list") + "?period=2026").content.decode())["count"] == "2"
    mine = client_for(world.users["secretary"]).get(reverse("practice:service_list") + "?period=2026")
    assert mine.status_code == 200 and _figures(mine.content.decode())["count"] == "1"
