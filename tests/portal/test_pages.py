import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("committee", "/dashboard/"),
        ("unit_admin", "/dashboard/"),
        ("member", "/me/"),
        ("secretary", "/dashboard/todo/"),  # 我的待办 with the branch summary
        ("inspector", "/supervision/"),  # 我的督查任务
    ],
)
def test_home_fits_the_role(world, client_for, persona, target):
    response = client_for(world.users[persona]).get("/")
    assert response["Location"] == target


def test_secretary_lands_on_the_todo_list_with_their_branch_summary(world, client_for):
    response = client_for(world.secretary).get("/")
    assert response["Location"] == reverse("dashboards:todo")
    page = client_for(world.secretary).get(response["Location"]).content.decode()
    assert 'data-testid="branch-summary"' in page
    assert reverse("branches:organization_detail", args=[world.branch_a1.pk]) in page


def test_navigation_shows_only_what_the_role_may_use(world, client_for):
    page = client_for(world.member).get("/me/").content.decode()
    assert 'href="/orgs/"' in page  # members may see their own branch
    assert "党员" in page


def test_sibling_branch_page_is_404_for_a_secretary(world, client_for):
    response = client_for(world.secretary).get(reverse("branches:organization_detail", args=[world.branch_a2.pk]))
    assert response.status_code == 404


def test_tree_page_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    from branches import audit, services
    from branches.models import OrganizationKind
    from branches.stats import REGISTER_FIGURES

    client = client_for(world.committee)
    client.get("/orgs/")
    # 14: the member counts are the root's paths and two aggregates for the page (branches.stats.member_counts),
    # measured as computed (not as kept between views) both times.
    REGISTER_FIGURES.changed()
    with django_assert_max_num_queries(14) as before:
        client.get("/orgs/")
    for i in range(15):
        services.create_organization(
            actor=audit.SYSTEM, name=f"新支部{i}", kind=OrganizationKind.BRANCH, parent=world.unit_b
        )
    REGISTER_FIGURES.changed()
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/orgs/")


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    data = response.json()
    assert data["database"] == "ok"
    assert "broker" in data and "last_reminder_sweep" in data
    assert response.status_code in (200, 503)
    assert (response.status_code == 200) == (data["status"] == "ok")


def test_member_counts_cover_the_whole_subtree(world, client_for):
    from branches.models import Member, MemberCategory

    Member.objects.create(organization=world.branch_a2, name="乙", category=MemberCategory.PROBATIONARY)
    Member.objects.create(organization=world.branch_a2, name="丙", category=MemberCategory.APPLICANT)
    rows = {o.name: o.member_count for o in client_for(world.committee).get("/orgs/").context["rows"]}
    assert rows["甲局第一党支部"] == 2  # the secretary and the member
    assert rows["甲局第二党支部"] == 2  # outsider and the probationary member; applicants are not party members
    assert rows["甲局机关党委"] == 4
    assert rows["市直机关工委"] == 4


def test_siblings_are_listed_in_creation_order(world, client_for):
    names = [o.name for o in client_for(world.committee).get("/orgs/").context["rows"]]
    assert names.index("甲局第一党支部") < names.index("甲局第二党支部") < names.index("乙局机关党委")


def test_member_home_shows_study_hours_meetings_and_notices(world, client_for):
    from django.utils import timezone

    from branches import audit
    from portal.models import Notification
    from training import services as training

    module = training.create_module(actor=audit.SYSTEM, organization=world.branch_a1, title="学习党章", year=2026)
    url = "http://intranet.example.gov.cn/dz"
    training.add_item(actor=audit.SYSTEM, module=module, kind="link", title="党章原文", url=url, credit_hours=1)
    training.assign_module(
        actor=audit.SYSTEM, module=module, organization=world.branch_a1, include_subtree=True, due_days=14
    )
    Notification.objects.create(recipient=world.member, kind="t", title="请参加主题党日", created_at=timezone.now())
    page = client_for(world.member).get("/me/").content.decode()
    assert "学习党章" in page and "请参加主题党日" in page
    assert 'data-testid="my-hours"' in page and 'data-testid="my-meetings"' in page


def test_member_home_query_count_is_fixed(world, client_for, django_assert_max_num_queries):
    client = client_for(world.member)
    client.get("/me/")
    with django_assert_max_num_queries(25):
        client.get("/me/")


def test_member_counts_match_a_hand_count_with_party_groups_and_in_a_subtree(world, client_for):
    """Subtree sums by path, a group's members through ``party_group``, each member once (list and detail)."""
    from branches.models import Member, MemberCategory, Organization
    from branches.stats import member_counts

    full = MemberCategory.FULL
    Member.objects.create(organization=world.branch_a1, name="组员", party_group=world.group_a1, category=full)
    Member.objects.create(organization=world.group_a1, name="组内", party_group=world.group_a1, category=full)
    Member.objects.create(organization=world.branch_b1, name="乙支部", category=MemberCategory.PROBATIONARY)
    party = list(Member.objects.party_members().select_related("organization"))

    def by_hand(org):
        return sum(1 for m in party if m.organization.path.startswith(org.path) or m.party_group_id == org.pk)

    orgs = list(Organization.objects.all())
    assert member_counts(orgs) == {o.pk: by_hand(o) for o in orgs}  # with the root: grouped by organisation id
    assert {o.pk: member_counts([o])[o.pk] for o in orgs} == {o.pk: by_hand(o) for o in orgs}  # each alone
    assert member_counts([world.group_a1])[world.group_a1.pk] == by_hand(world.group_a1) == 2
    client = client_for(world.committee)
    rows = {o.pk: o.member_count for o in client.get("/orgs/", {"org": world.unit_a.pk}).context["rows"]}
    assert rows == {o.pk: by_hand(o) for o in orgs if o.path.startswith(world.unit_a.path)}
    detail = client.get(f"/orgs/{world.unit_a.pk}/").context
    assert detail["org"].member_count == by_hand(world.unit_a)
    assert {c.pk: c.member_count for c in detail["children"]} == {
        o.pk: by_hand(o) for o in orgs if o.parent_id == world.unit_a.pk
    }
