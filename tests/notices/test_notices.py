import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from branches import audit
from branches.models import AuditEntry, Member, MemberCategory, Organization, OrganizationKind
from branches.roles import Role
from branches.services import create_organization, grant_role
from notices import reminders, services
from notices.models import FileDownload, NoticeRecipient, NoticeStatus
from tests.world import make_user

from .factories import notice, pdf, secretaries_of
from .helpers import count_queries

pytestmark = pytest.mark.django_db


def recipients(n):
    return set(NoticeRecipient.objects.filter(notice=n).values_list("user_id", flat=True))


def test_an_organisation_with_its_subtree_reaches_members_and_role_holders_below(world):
    n = notice(world, audience=[{"kind": "organization", "organization": world.unit_a, "include_subtree": True}])
    assert {world.secretary.pk, world.member.pk, world.outsider.pk, world.unit_admin.pk} <= recipients(n)
    assert world.other_admin.pk not in recipients(n)
    assert n.recipient_count == len(recipients(n))


def test_an_organisation_without_its_subtree_reaches_only_its_own_people(world):
    n = notice(world, audience=[{"kind": "organization", "organization": world.unit_a, "include_subtree": False}])
    assert recipients(n) == {world.unit_admin.pk}


def test_a_role_reaches_its_holders_under_the_chosen_units(world):
    n = notice(world, audience=secretaries_of(world.unit_a, world.unit_b))
    assert recipients(n) == {world.secretary.pk, world.outsider.pk}
    row = NoticeRecipient.objects.get(notice=n, user=world.outsider)
    assert row.organization_id == world.branch_a2.pk


def test_a_named_person_is_reached_and_counted_under_their_branch(world):
    n = notice(world, audience=[{"kind": "person", "user": world.member}])
    assert recipients(n) == {world.member.pk}
    assert NoticeRecipient.objects.get(notice=n).organization_id == world.branch_a1.pk


def test_a_sender_cannot_address_organisations_outside_its_own(world):
    with pytest.raises(ValidationError):
        notice(world, org=world.branch_a1, actor=world.secretary, audience=secretaries_of(world.unit_b))
    with pytest.raises(PermissionDenied):
        notice(world, org=world.unit_b, actor=world.secretary)


def test_publishing_to_many_people_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    def people(n):
        for i in range(n):
            u = make_user(f"p{n}_{i}")
            Member.objects.create(organization=world.branch_b1, name=f"党员{i}", category=MemberCategory.FULL, user=u)

    people(3)
    with count_queries() as few:
        notice(world, audience=[{"kind": "organization", "organization": world.unit_b, "include_subtree": True}])
    people(120)
    with django_assert_max_num_queries(few.n):
        n = notice(world, audience=[{"kind": "organization", "organization": world.unit_b, "include_subtree": True}])
    assert n.recipient_count >= 123


def test_only_recipients_can_sign_and_only_once(world):
    n = notice(world, audience=secretaries_of(world.unit_a))
    with pytest.raises(PermissionDenied):
        services.sign_notice(actor=world.member, notice=n)
    services.sign_notice(actor=world.secretary, notice=n, reply="已收到")
    with pytest.raises(ValidationError):
        services.sign_notice(actor=world.secretary, notice=n)
    row = NoticeRecipient.objects.get(notice=n, user=world.secretary)
    assert row.signed_at and row.read_at and row.reply == "已收到"
    assert AuditEntry.objects.filter(action="notice.sign").count() == 1


def test_a_secretary_signs_on_the_page_and_the_sender_sees_the_rate(world, client_for):
    n = notice(world, audience=secretaries_of(world.unit_a))
    c = client_for(world.secretary)
    assert c.get(reverse("notices:notice_detail", args=[n.pk])).status_code == 200
    assert NoticeRecipient.objects.get(notice=n, user=world.secretary).read_at is not None
    c.post(reverse("notices:notice_sign", args=[n.pk]), {"reply": "收到"})
    page = client_for(world.committee).get(reverse("notices:notice_stats", args=[n.pk]))
    assert 'data-signed="1"' in page.content.decode()
    assert "outsider" in page.content.decode()  # the sibling secretary has not signed


def test_the_member_cannot_sign_through_the_page(world, client_for):
    n = notice(world, audience=secretaries_of(world.unit_a))
    response = client_for(world.member).post(reverse("notices:notice_sign", args=[n.pk]))
    assert response.status_code == 404
    assert not NoticeRecipient.objects.filter(notice=n, signed_at__isnull=False).exists()


def test_statistics_page_runs_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    n = notice(world, audience=[{"kind": "organization", "organization": world.root, "include_subtree": True}])
    c = client_for(world.committee)
    url = reverse("notices:notice_stats", args=[n.pk])
    c.get(url)
    c.get(url)
    with count_queries() as few:
        assert c.get(url).status_code == 200
    for i in range(30):
        u = make_user(f"x{i}")
        Member.objects.create(organization=world.branch_b1, name=f"党员{i}", category=MemberCategory.FULL, user=u)
        NoticeRecipient.objects.create(notice=n, user=u, organization=world.branch_b1)
    with django_assert_max_num_queries(few.n):
        assert c.get(url).status_code == 200


def test_remind_notifies_the_unsigned(world, client_for):
    from portal.notifications.models import Reminder

    n = notice(world, audience=secretaries_of(world.unit_a))
    services.sign_notice(actor=world.secretary, notice=n)
    with pytest.raises(ValidationError):
        services.remind_unsigned(actor=world.committee, notice=notice(world, receipt=False))
    client = client_for(world.committee)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("notices:notice_remind", args=[n.pk]))
    reminded = set(Reminder.objects.filter(kind__startswith="notices.remind").values_list("recipient_id", flat=True))
    assert reminded == {world.outsider.pk}


def test_the_worker_reminds_the_unsigned_once_before_the_deadline(world):
    from portal.notifications.engine import run_sweep
    from portal.notifications.models import Reminder

    n = notice(world, audience=secretaries_of(world.unit_a))
    deadline = n.receipt_deadline
    before = timezone.make_aware(datetime.datetime.combine(deadline - datetime.timedelta(days=6), datetime.time(9)))
    assert not [d for d in reminders.due(before) if d.kind == "notices.receipt_due"]
    services.sign_notice(actor=world.secretary, notice=n)
    on_day = timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(9)))
    items = [d for d in reminders.due(on_day) if d.kind == "notices.receipt_due"]
    assert {d.recipient_id for d in items} == {world.outsider.pk}
    run_sweep(on_day, run_inline=True)
    run_sweep(on_day + datetime.timedelta(hours=1), run_inline=True)
    assert Reminder.objects.filter(kind="notices.receipt_due", recipient=world.outsider).count() == 1


def test_a_scheduled_notice_is_hidden_until_its_time_and_then_announced(world, client_for):
    later = timezone.now() + datetime.timedelta(days=1)
    n = notice(world, audience=secretaries_of(world.unit_a), publish_at=later)
    url = reverse("notices:notice_detail", args=[n.pk])
    assert client_for(world.secretary).get(url).status_code == 404
    assert client_for(world.committee).get(url).status_code == 200
    items = [d for d in reminders.due(later + datetime.timedelta(minutes=1)) if d.kind == "notices.scheduled"]
    assert {d.recipient_id for d in items} == {world.secretary.pk, world.outsider.pk}


def test_a_correction_keeps_the_old_text_as_a_version(world):
    n = notice(world)
    services.correct_notice(
        actor=world.committee, notice=n, title="更正后的标题", body="新正文", change_note="时间改为周五"
    )
    n.refresh_from_db()
    assert n.version == 2 and n.title == "更正后的标题"
    v = n.versions.get()
    assert v.number == 1 and v.title == "关于开展主题党日活动的通知" and v.change_note == "时间改为周五"
    with pytest.raises(ValidationError):
        services.correct_notice(actor=world.committee, notice=n, title="x", body="", change_note="")


def test_a_withdrawn_notice_stays_visible_marked_and_cannot_be_signed(world, client_for):
    n = notice(world)
    services.withdraw_notice(actor=world.committee, notice=n, reason="发错对象")
    page = client_for(world.member).get(reverse("notices:notice_inbox"))
    assert n.title in page.content.decode()
    with pytest.raises(ValidationError):
        services.sign_notice(actor=world.member, notice=n)
    assert NoticeRecipient.objects.filter(notice=n).exists()
    n.refresh_from_db()
    assert n.status == NoticeStatus.WITHDRAWN


def test_the_body_is_sanitised(world):
    n = notice(world, title="t")
    n = services.create_notice(
        actor=audit.SYSTEM,
        organization=world.root,
        category="notice",
        title="格式",
        body='<p onclick="x()">正文<script>alert(1)</script><strong>重点</strong><a href="javascript:x">链接</a></p>',
        audience=[{"kind": "person", "user": world.member}],
    )
    assert "script" not in n.body and "onclick" not in n.body and "javascript" not in n.body
    assert "<strong>重点</strong>" in n.body


def test_documents_downloads_are_logged_per_person(world, client_for):
    n = notice(world)
    f = services.add_file(
        actor=world.committee, notice=n, uploaded=pdf(), doc_number="市直工发〔2026〕5号", classification="internal"
    )
    url = reverse("notices:notice_file", args=[n.pk, f.pk])
    assert client_for(world.member).get(url).status_code == 200
    assert client_for(world.outsider).get(url).status_code == 404
    assert list(FileDownload.objects.values_list("user_id", flat=True)) == [world.member.pk]
    with pytest.raises(ValidationError):
        services.add_file(actor=world.committee, notice=n, uploaded=pdf(), classification="secret")


def test_the_create_page_publishes_to_secretaries_of_two_units(world, client_for):
    c = client_for(world.committee)
    response = c.post(
        reverse("notices:notice_create"),
        {
            "organization": world.root.pk,
            "category": "notice",
            "title": "关于报送材料的通知",
            "body": "请签收",
            "audience_orgs": [world.unit_a.pk, world.unit_b.pk],
            "include_subtree": "on",
            "audience_role": "secretary",
            "requires_receipt": "on",
            "receipt_working_days": "3",
            "publish": "now",
            "classification": "public",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    n = world.root.notices.get()
    assert recipients(n) == {world.secretary.pk, world.outsider.pk}
    assert n.receipt_deadline > timezone.localdate()


def test_the_create_page_answers_bad_input_in_place(world, client_for):
    response = client_for(world.committee).post(
        reverse("notices:notice_create"), {"organization": world.root.pk, "title": ""}
    )
    assert response.status_code == 200
    assert not world.root.notices.exists()


def test_a_secretary_cannot_pick_another_branch_as_sender(world, client_for):
    response = client_for(world.secretary).post(
        reverse("notices:notice_create"),
        {
            "organization": world.branch_a2.pk,
            "category": "notice",
            "title": "x",
            "audience_orgs": [world.branch_a2.pk],
            "publish": "now",
            "classification": "public",
        },
    )
    assert response.status_code == 200
    assert not world.branch_a2.notices.exists()


def test_api_writes_go_through_the_same_services(world, api_for):
    api = api_for(world.committee)
    response = api.post(
        "/api/v1/notices/",
        {
            "organization": world.root.pk,
            "category": "bulletin",
            "title": "通报",
            "audience": [{"kind": "role", "organization": world.unit_a.pk, "role": "secretary"}],
            "requires_receipt": True,
            "receipt_working_days": 2,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api_for(world.member).post(f"/api/v1/notices/{pk}/sign/", {}, format="json").status_code == 404
    signed = api_for(world.secretary).post(f"/api/v1/notices/{pk}/sign/", {"reply": "好"}, format="json")
    assert signed.status_code == 200 and signed.json()["reply"] == "好"
    stats = api.get(f"/api/v1/notices/{pk}/stats/").json()
    assert stats["total"]["signed"] == 1 and stats["total"]["total"] == 2
    assert api_for(world.outsider).get(f"/api/v1/notices/{pk}/stats/").status_code == 404
    assert (
        api.post(f"/api/v1/notices/{pk}/correct/", {"title": "t", "change_note": ""}, format="json").status_code == 400
    )
    assert api.post(f"/api/v1/notices/{pk}/withdraw/", {"reason": "错"}, format="json").json()["status"] == "withdrawn"
    assert (
        AuditEntry.objects.filter(
            action__in=["notice.create", "notice.publish", "notice.sign", "notice.withdraw"]
        ).count()
        == 4
    )


def test_api_rejects_a_sender_organisation_outside_scope(world, api_for):
    response = api_for(world.secretary).post(
        "/api/v1/notices/",
        {
            "organization": world.unit_b.pk,
            "category": "notice",
            "title": "x",
            "audience": [{"kind": "organization", "organization": world.unit_b.pk}],
        },
        format="json",
    )
    assert response.status_code == 400 and "organization" in response.json()


def test_a_unit_admin_sends_to_own_subtree(world):
    n = notice(
        world,
        org=world.unit_a,
        actor=world.unit_admin,
        audience=[{"kind": "organization", "organization": world.branch_a2, "include_subtree": True}],
    )
    assert recipients(n) == {world.outsider.pk}


def test_role_on_new_branch_is_included(world):
    b = create_organization(
        actor=audit.SYSTEM, name="乙局第二党支部", kind=OrganizationKind.BRANCH, parent=world.unit_b
    )
    s = make_user("s2")
    grant_role(actor=audit.SYSTEM, user=s, organization=b, role=Role.SECRETARY, include_subtree=True)
    n = notice(world, audience=secretaries_of(Organization.objects.get(pk=world.unit_b.pk)))
    assert recipients(n) == {s.pk}
