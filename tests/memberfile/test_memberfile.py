import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.memberfile import reminders, services
from branches.models import AuditEntry, Member, MemberCategory, MemberStatus

D = datetime.date


@pytest.fixture
def person(world):
    return Member.objects.create(
        organization=world.branch_a1, name="李流动", category=MemberCategory.FULL, join_date=D(2010, 7, 1)
    )


@pytest.mark.django_db
def test_mobility_sets_and_clears_the_register_status(world, person):
    r = services.record_mobile(actor=world.secretary, member=person, place="深圳", since=D(2026, 3, 1), card_no="X1")
    person.refresh_from_db()
    assert person.status == MemberStatus.MOBILE
    services.add_mobile_activity(
        actor=world.secretary, record=r, date=D(2026, 4, 1), organization_name="深圳流动党支部", content="主题党日"
    )
    with pytest.raises(ValidationError):
        services.record_mobile(actor=world.secretary, member=person, place="广州", since=D(2026, 4, 1))
    services.end_mobile(actor=world.secretary, record=r, until=D(2026, 6, 1))
    person.refresh_from_db()
    assert person.status == MemberStatus.NORMAL
    assert AuditEntry.objects.filter(action="member.status_changed").count() == 2


@pytest.mark.django_db
def test_lost_contact_and_restored(world, person):
    r = services.record_lost_contact(
        actor=world.secretary, member=person, last_contact_on=D(2026, 1, 5), search_steps="电话未接通"
    )
    person.refresh_from_db()
    assert person.status == MemberStatus.LOST_CONTACT
    services.add_search_step(actor=world.secretary, record=r, step="走访家属", on=D(2026, 2, 1))
    services.record_found(actor=world.secretary, record=r, found_on=D(2026, 3, 1))
    person.refresh_from_db()
    assert person.status == MemberStatus.NORMAL


@pytest.mark.django_db
def test_probation_within_the_party_removes_the_vote_for_its_period(world, person):
    with pytest.raises(ValidationError):  # no end
        services.record_reward_discipline(
            actor=world.secretary,
            member=person,
            kind="discipline",
            discipline="probation",
            title="留党察看一年",
            document_no="X纪〔2026〕1号",
            date=D(2026, 1, 10),
            issuing_body="市纪委",
        )
    with pytest.raises(ValidationError):  # longer than two years
        services.record_reward_discipline(
            actor=world.secretary,
            member=person,
            kind="discipline",
            discipline="probation",
            title="留党察看",
            document_no="X纪〔2026〕1号",
            date=D(2026, 1, 10),
            issuing_body="市纪委",
            ends_on=D(2029, 1, 10),
        )
    services.record_reward_discipline(
        actor=world.secretary,
        member=person,
        kind="discipline",
        discipline="probation",
        title="留党察看一年",
        document_no="X纪〔2026〕1号",
        date=D(2026, 1, 10),
        issuing_body="市纪委",
        ends_on=D(2027, 1, 10),
    )
    assert not services.has_voting_rights_restriction(person, D(2026, 1, 9))
    assert services.has_voting_rights_restriction(person, D(2026, 1, 10))
    assert services.has_voting_rights_restriction(person, D(2027, 1, 9))
    assert not services.has_voting_rights_restriction(person, D(2027, 1, 10))
    assert list(services.members_without_vote(Member.objects.all(), D(2026, 6, 1))) == [person]


@pytest.mark.django_db
def test_a_reward_is_recorded_with_its_document(world, person):
    r = services.record_reward_discipline(
        actor=world.secretary,
        member=person,
        kind="reward",
        title="优秀共产党员",
        document_no="X直工发〔2026〕5号",
        date=D(2026, 7, 1),
        issuing_body="市直机关工委",
        discipline="probation",
        ends_on=D(2027, 1, 1),
    )
    assert r.discipline == "" and r.ends_on is None
    assert not services.has_voting_rights_restriction(person, D(2026, 8, 1))


@pytest.mark.django_db
def test_the_sibling_secretary_cannot_write_to_the_file(world, person):
    with pytest.raises(PermissionDenied):
        services.record_abroad(actor=world.outsider, member=person, destination="法国", departed_on=D(2026, 1, 1))


@pytest.mark.django_db
def test_care_details_are_masked_for_the_committee_and_audited_for_the_branch(world, person, client_for):
    services.record_care(
        actor=world.secretary,
        member=person,
        kind="hardship",
        date=timezone.localdate(),
        situation="家属重病",
        help_given="帮扶金",
        amount=2000,
    )
    url = reverse("memberfile:member_file", args=[person.pk])
    body = client_for(world.committee).get(url).content.decode()
    assert "家属重病" not in body and 'data-testid="care-masked"' in body
    assert not AuditEntry.objects.filter(action="memberfile.care_viewed").exists()
    body = client_for(world.secretary).get(url).content.decode()
    assert "家属重病" in body
    assert AuditEntry.objects.filter(action="memberfile.care_viewed", actor=world.secretary).count() == 1
    body = client_for(world.unit_admin).get(reverse("memberfile:care_list")).content.decode()
    assert "家属重病" in body
    assert AuditEntry.objects.filter(action="memberfile.care_viewed", actor=world.unit_admin).count() == 1
    assert client_for(world.outsider).get(url).status_code == 404
    assert "家属重病" not in str(AuditEntry.objects.get(action="memberfile.care_recorded").after)


@pytest.mark.django_db
def test_the_file_page_records_through_the_services(world, person, client_for):
    url = reverse("memberfile:member_file", args=[person.pk])
    client = client_for(world.secretary)
    response = client.post(url, {"action": "abroad", "destination": "新加坡", "departed_on": "2026-02-01"})
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "action": "reward",
            "kind": "discipline",
            "title": "x",
            "document_no": "",
            "date": "2026-01-01",
            "issuing_body": "y",
        },
    )
    assert response.status_code == 200  # the form answers, nothing saved
    assert client.get(reverse("memberfile:overview")).status_code == 200


@pytest.mark.django_db
def test_political_birthdays_and_lost_contact_reminders(world, person):
    world.members["member"].delete()
    person.user = world.member
    person.save()
    services.record_lost_contact(
        actor=world.secretary, member=person, last_contact_on=D(2026, 1, 2), search_steps="电话未接通"
    )
    items = list(reminders.due(timezone.make_aware(datetime.datetime(2026, 7, 3, 9))))
    kinds = {(d.kind, d.recipient_id) for d in items}
    assert ("memberfile.political_birthday", world.member.pk) in kinds
    assert ("memberfile.birthday_list", world.secretary.pk) in kinds
    assert ("memberfile.lost_contact", world.secretary.pk) in kinds
    greeting = next(d for d in items if d.kind == "memberfile.political_birthday")
    assert "16" in greeting.title and greeting.step == "2026"
    early = list(reminders.due(timezone.make_aware(datetime.datetime(2026, 6, 29, 9))))
    assert not any(d.kind == "memberfile.political_birthday" for d in early)


@pytest.mark.django_db
def test_the_overview_pages_this_months_political_birthdays(world, client_for, django_assert_max_num_queries):
    """A city has some 1,700 political birthdays a month: the overview shows them a page at a time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from branches.mixins import PaginatedMixin

    today = timezone.localdate()
    day = D(today.year - 5, today.month, 1)
    for i in range(PaginatedMixin.paginate_by + 5):
        Member.objects.create(
            organization=world.branch_a1, name=f"党员{i:02d}", category=MemberCategory.FULL, join_date=day
        )
    client = client_for(world.committee)
    url = reverse("memberfile:overview") + f"?org={world.root.pk}"
    page = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    queries = len(first.captured_queries)  # now: the next request clears the log
    shown = page[page.index('data-testid="political-birthdays"') :].split("</ul>")[0]
    assert shown.count("<li") == PaginatedMixin.paginate_by
    assert f'data-total="{PaginatedMixin.paginate_by + 5}"' in page
    second = client.get(url + "&page=2").content.decode()
    assert second[second.index('data-testid="political-birthdays"') :].split("</ul>")[0].count("<li") == 5
    for i in range(40):
        Member.objects.create(
            organization=world.branch_a1, name=f"新党员{i:02d}", category=MemberCategory.FULL, join_date=day
        )
    with django_assert_max_num_queries(queries):
        client.get(url)
