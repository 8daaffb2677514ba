import datetime

import pytest
from django.urls import reverse

from branches import audit, idnumbers, services
from branches.models import AuditEntry, CommitteePosition, Member, MemberCategory, Transfer
from branches.register import services as register

pytestmark = pytest.mark.django_db
VALID_ID = idnumbers.make("11010519800101123")


def _people(org, n, start=0):
    Member.objects.bulk_create(
        [Member(organization=org, name=f"批量{start + i}", category=MemberCategory.FULL) for i in range(n)]
    )


def _measure(client, url, django_assert_max_num_queries, org, budget=20):
    with django_assert_max_num_queries(budget) as ctx:
        assert client.get(url).status_code == 200
    before = len(ctx.captured_queries)
    _people(org, 40, start=1000)
    with django_assert_max_num_queries(before):
        assert client.get(url).status_code == 200
    return before


def test_member_list_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries):
    _people(world.branch_a1, 3)
    _measure(
        client_for(world.unit_admin), reverse("branches:member_list"), django_assert_max_num_queries, world.branch_a1
    )


def test_development_list_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries):
    client = client_for(world.secretary)
    url = reverse("branches:development")
    Member.objects.create(organization=world.branch_a1, name="申请", category=MemberCategory.APPLICANT)
    with django_assert_max_num_queries(20) as ctx:
        client.get(url)
    before = len(ctx.captured_queries)
    Member.objects.bulk_create(
        [Member(organization=world.branch_a1, name=f"积极{i}", category=MemberCategory.ACTIVIST) for i in range(30)]
    )
    with django_assert_max_num_queries(before):
        assert "积极29" in client.get(url).content.decode()


def test_organisation_list_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries):
    client = client_for(world.committee)
    url = reverse("branches:organization_list")
    with django_assert_max_num_queries(25) as ctx:
        client.get(url)
    before = len(ctx.captured_queries)
    for i in range(10):
        services.create_organization(actor=audit.SYSTEM, name=f"新支部{i}", kind="branch", parent=world.unit_b)
    with django_assert_max_num_queries(before):
        assert "新支部9" in client.get(url).content.decode()


def test_transfer_list_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries):
    client = client_for(world.secretary)
    url = reverse("branches:transfer_list") + "?box=all"
    register.issue_transfer(actor=world.secretary, member=world.members["member"], to_org=world.branch_b1)
    with django_assert_max_num_queries(20) as ctx:
        client.get(url)
    before = len(ctx.captured_queries)
    people = [
        services.create_member(actor=audit.SYSTEM, organization=world.branch_a1, name=f"转{i}", category="full")
        for i in range(8)
    ]
    for p in people:
        register.issue_transfer(actor=audit.SYSTEM, member=p, to_org=world.branch_b1)
    with django_assert_max_num_queries(before):
        assert "转7" in client.get(url).content.decode()


def test_members_api_query_count_does_not_grow_with_rows(world, api_for, django_assert_max_num_queries):
    client = api_for(world.committee)
    with django_assert_max_num_queries(10) as ctx:
        client.get("/api/v1/members/")
    before = len(ctx.captured_queries)
    _people(world.branch_b1, 40)
    with django_assert_max_num_queries(before):
        assert client.get("/api/v1/members/").json()["count"] >= 43


def test_list_filters_by_subtree_category_and_name(world, client_for):
    services.create_member(actor=audit.SYSTEM, organization=world.branch_a2, name="王预备", category="probationary")
    client = client_for(world.unit_admin)
    url = reverse("branches:member_list")
    body = client.get(url, {"org": world.branch_a2.pk}).content.decode()
    assert "王预备" in body and "member-党员" not in body
    body = client.get(url, {"category": "probationary"}).content.decode()
    assert "王预备" in body and "secretary-党员" not in body
    assert "王预备" not in client.get(url, {"q": "secretary"}).content.decode()


def test_a_secretary_cannot_see_search_or_filter_outside_their_branch(world, client_for):
    client = client_for(world.secretary)
    url = reverse("branches:member_list")
    assert "outsider-党员" not in client.get(url, {"q": "outsider"}).content.decode()
    assert "outsider-党员" not in client.get(url, {"org": world.branch_a2.pk}).content.decode()
    outsider = world.members["outsider"]
    assert client.get(reverse("branches:member_detail", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("branches:member_edit", args=[outsider.pk])).status_code == 404
    assert (
        client.post(
            reverse("branches:member_transfer", args=[outsider.pk]),
            {"to_org": world.branch_b1.pk, "scope": "in_province"},
        ).status_code
        == 404
    )
    assert client.post(reverse("branches:member_unmask", args=[outsider.pk])).status_code == 404
    assert not Transfer.objects.exists()


def test_a_secretary_cannot_export_another_branch(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(world.secretary).get(
        reverse("branches:member_export"), {"download": "1", "org": world.branch_a2.pk}
    )
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert rows == []
    response = client_for(world.secretary).get(reverse("branches:member_export"), {"download": "1"})
    names = [
        r[1] for r in load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(min_row=2, values_only=True)
    ]
    assert sorted(names) == ["member-党员", "secretary-党员"]


def test_export_masks_id_numbers_for_viewers_and_audits_unmasked_exports(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    from branches.roles import Role

    services.update_member(actor=audit.SYSTEM, member=world.members["member"], id_number=VALID_ID)
    viewer = world.users["nobody"]
    services.grant_role(actor=audit.SYSTEM, user=viewer, organization=world.branch_a1, role=Role.BRANCH_COMMITTEE)
    masked = client_for(viewer).get(reverse("branches:member_export"), {"download": "1"}).content
    cells = [c for r in load_workbook(BytesIO(masked)).worksheets[0].iter_rows(values_only=True) for c in r]
    assert VALID_ID not in cells and VALID_ID[:3] + "*" * 11 + VALID_ID[-4:] in cells
    full = client_for(world.secretary).get(reverse("branches:member_export"), {"download": "1"}).content
    cells = [c for r in load_workbook(BytesIO(full)).worksheets[0].iter_rows(values_only=True) for c in r]
    assert VALID_ID in cells
    assert AuditEntry.objects.filter(action="member.export.unmasked", actor=world.secretary).exists()


def test_the_detail_page_shows_the_id_number_masked_and_unmask_is_audited(world, client_for):
    person = services.create_member(
        actor=audit.SYSTEM, organization=world.branch_a1, name="张三", category="full", id_number=VALID_ID
    )
    client = client_for(world.secretary)
    body = client.get(reverse("branches:member_detail", args=[person.pk])).content.decode()
    assert VALID_ID not in body and person.id_number_masked in body
    response = client.post(reverse("branches:member_unmask", args=[person.pk]))
    assert VALID_ID in response.content.decode()
    assert AuditEntry.objects.filter(
        action="member.unmask.id_number", object_id=str(person.pk), actor=world.secretary
    ).exists()


def test_a_branch_committee_member_sees_but_cannot_unmask(world, client_for):
    from branches.roles import Role

    person = services.create_member(
        actor=audit.SYSTEM, organization=world.branch_a1, name="张三", category="full", id_number=VALID_ID
    )
    viewer = world.users["nobody"]
    services.grant_role(actor=audit.SYSTEM, user=viewer, organization=world.branch_a1, role=Role.BRANCH_COMMITTEE)
    client = client_for(viewer)
    assert client.get(reverse("branches:member_detail", args=[person.pk])).status_code == 200
    assert client.post(reverse("branches:member_unmask", args=[person.pk])).status_code == 404


def test_the_add_form_refuses_a_bad_id_number_with_a_message(world, client_for):
    response = client_for(world.secretary).post(
        reverse("branches:member_create"),
        {
            "name": "李四",
            "organization": world.branch_a1.pk,
            "category": "full",
            "status": "normal",
            "id_number": "110105198001011234",
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 200
    assert not Member.objects.filter(name="李四").exists()
    assert "is-invalid" in response.content.decode()


def test_the_add_form_only_offers_the_secretarys_branch(world, client_for):
    body = client_for(world.secretary).get(reverse("branches:member_create")).content.decode()
    assert "甲局第一党支部" in body and "甲局第二党支部" not in body


def test_a_secretary_records_a_term_and_a_committee_member_through_the_page(world, client_for):
    client = client_for(world.secretary)
    url = reverse("branches:term_list", args=[world.branch_a1.pk])
    response = client.post(
        url, {"action": "term", "start": "2024-03-01", "change": "regular", "expected_voters": 10, "present_voters": 9}
    )
    assert response.status_code == 302
    position = CommitteePosition.objects.get(code="secretary")
    response = client.post(
        url, {"action": "seat", "member": world.members["secretary"].pk, "position": position.pk, "votes": 9}
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "secretary-党员" in body and "2027-03-01" in body
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.term_end == datetime.date(2027, 3, 1)


def test_an_early_election_without_approval_shows_the_error_on_the_form(world, client_for):
    client = client_for(world.secretary)
    url = reverse("branches:term_list", args=[world.branch_a1.pk])
    response = client.post(url, {"action": "term", "start": "2024-03-01", "change": "early"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "alert" in response.content.decode()


def test_the_receiver_accepts_a_transfer_on_the_page(world, client_for):
    letter = register.issue_transfer(actor=world.secretary, member=world.members["member"], to_org=world.branch_b1)
    assert client_for(world.outsider).get(reverse("branches:transfer_detail", args=[letter.pk])).status_code == 404
    client = client_for(world.other_admin)
    assert "member-党员" in client.get(reverse("branches:transfer_list")).content.decode()
    client.post(reverse("branches:transfer_detail", args=[letter.pk]), {"accept": "1"})
    assert Member.objects.get(pk=world.members["member"].pk).organization == world.branch_b1


def test_unit_admin_creates_renames_and_moves_a_branch(world, client_for):
    from branches.models import Organization

    client = client_for(world.unit_admin)
    response = client.post(
        reverse("branches:organization_create"), {"name": "新建支部", "kind": "branch", "parent": world.unit_a.pk}
    )
    org = Organization.objects.get(name="新建支部")
    assert response.status_code == 302 and org.path.startswith(world.unit_a.path)
    client.post(reverse("branches:organization_rename", args=[org.pk]), {"name": "更名支部"})
    org.refresh_from_db()
    assert org.name == "更名支部"
    client.post(
        reverse("branches:organization_create"), {"name": "总支", "kind": "general_branch", "parent": world.unit_a.pk}
    )
    general = Organization.objects.get(name="总支")
    client.post(reverse("branches:organization_move", args=[org.pk]), {"parent": general.pk})
    org.refresh_from_db()
    assert org.parent_id == general.pk


def test_a_secretary_cannot_create_or_move_organisations(world, client_for):
    client = client_for(world.secretary)
    assert client.get(reverse("branches:organization_create")).status_code == 403
    assert (
        client.post(reverse("branches:organization_rename", args=[world.branch_a1.pk]), {"name": "x"}).status_code
        == 404
    )


def test_structural_warnings_show_on_the_tree_and_the_branch_page(world, client_for):
    client = client_for(world.unit_admin)
    assert 'data-testid="tree-warning"' in client.get(reverse("branches:organization_list")).content.decode()
    assert (
        "structure-warning"
        in client.get(reverse("branches:organization_detail", args=[world.branch_a2.pk])).content.decode()
    )


def test_api_members_are_masked_scoped_and_filterable(world, api_for):
    services.update_member(actor=audit.SYSTEM, member=world.members["member"], id_number=VALID_ID)
    data = api_for(world.secretary).get("/api/v1/members/").json()
    assert {r["name"] for r in data["results"]} == {"secretary-党员", "member-党员"}
    row = next(r for r in data["results"] if r["name"] == "member-党员")
    assert row["id_number"] == VALID_ID[:3] + "*" * 11 + VALID_ID[-4:]
    assert api_for(world.secretary).get(f"/api/v1/members/{world.members['outsider'].pk}/").status_code == 404
    # F10: the ID number travels in the body of a POST, never in the URL.
    found = api_for(world.committee).post("/api/v1/members/search/", {"id_number": VALID_ID.lower()}, format="json")
    assert [r["name"] for r in found.json()] == ["member-党员"]
    assert api_for(world.secretary).post("/api/v1/members/search/", {"id_number": ""}, format="json").status_code == 400
    assert api_for(world.secretary).get("/api/v1/members/", {"within": world.branch_a2.pk}).json()["count"] == 0
    assert api_for(world.committee).get("/api/v1/members/", {"category": "bogus"}).status_code == 400


def test_only_the_most_specific_nav_entry_is_active(world, client_for):
    body = client_for(world.secretary).get(reverse("branches:member_list")).content.decode()
    assert body.count('class="nav-link active"') == 1


def test_terms_and_transfers_api_query_counts_do_not_grow_with_rows(world, api_for, django_assert_max_num_queries):
    client = api_for(world.committee)
    first = register.record_term(actor=audit.SYSTEM, organization=world.branch_a1, start=datetime.date(2024, 1, 1))
    secretary = CommitteePosition.objects.get(code="secretary")
    register.add_seat(actor=audit.SYSTEM, term=first, member=world.members["secretary"], position=secretary)
    register.issue_transfer(actor=audit.SYSTEM, member=world.members["member"], to_org=world.branch_b1)
    counts = {}
    for url in ("/api/v1/terms/", "/api/v1/transfers/"):
        with django_assert_max_num_queries(10) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    position = CommitteePosition.objects.get(code="organization")
    for org in (world.branch_a2, world.branch_b1, world.unit_a, world.unit_b):
        term = register.record_term(actor=audit.SYSTEM, organization=org, start=datetime.date(2024, 1, 1))
        person = services.create_member(actor=audit.SYSTEM, organization=org, name=f"委员{org.pk}", category="full")
        register.add_seat(actor=audit.SYSTEM, term=term, member=person, position=position)
        register.issue_transfer(actor=audit.SYSTEM, member=person, to_org=world.branch_a1)
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            assert client.get(url).json()["count"] >= 5


def test_the_export_streams_with_a_fixed_query_count_and_audits_the_rows(world, client_for):
    """Issue 22: rows stream from the database in chunks; the query count does not grow with them."""
    from io import BytesIO

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from openpyxl import load_workbook

    client = client_for(world.committee)
    url = reverse("branches:member_export")

    def export():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"download": "1"})
        return response, len(queries)

    from branches.models import Unit

    unit = Unit.objects.get(name="甲局")
    _response, few = export()
    for i in range(12):
        services.create_member(
            actor=audit.SYSTEM,
            organization=world.branch_a2 if i % 2 else world.branch_a1,
            name=f"导出{i:02d}",
            category="full",
            unit=unit,
        )
    response, many = export()
    assert many == few
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) == Member.objects.count() == 15
    assert [r[0] for r in rows] == list(range(1, 16))
    assert sum(1 for r in rows if r[-1] == unit.name) == 12
    entry = AuditEntry.objects.filter(action__startswith="member.export", actor=world.committee).latest("pk")
    assert entry.after["rows"] == 15


def test_the_scope_is_the_subtree_and_ones_own_entry_wherever_it_sits(world, client_for):
    """Member.visible_to writes "in scope or my own entry" as one id set (issue 22): same rows as before."""
    from branches.roles import Role

    viewer = world.users["nobody"]
    services.grant_role(actor=audit.SYSTEM, user=viewer, organization=world.branch_b1, role=Role.SECRETARY)
    _people(world.branch_b1, 3)
    _people(world.branch_a2, 2, start=100)
    own = Member.objects.create(
        organization=world.branch_a2, name="nobody-党员", category=MemberCategory.FULL, user=viewer
    )
    expected = set(Member.objects.filter(organization=world.branch_b1).values_list("pk", flat=True)) | {own.pk}
    visible = Member.objects.visible_to(viewer)
    assert set(visible.values_list("pk", flat=True)) == expected and visible.count() == 4
    assert visible.filter(pk=own.pk).exists() and not visible.filter(name="批量100").exists()
    assert set(visible.filter(organization=world.branch_a2).values_list("pk", flat=True)) == {own.pk}
    body = client_for(viewer).get(reverse("branches:member_list")).content.decode()
    assert "nobody-党员" in body and "批量0" in body and "批量100" not in body and "member-党员" not in body
    # Without a grant: only one's own entry; another's account sees nothing of it.
    assert list(Member.objects.visible_to(world.member).values_list("name", flat=True)) == ["member-党员"]
    assert not Member.objects.visible_to(world.users["other_admin"]).filter(pk=own.pk).exists()


def test_the_detail_page_shows_the_next_steps_with_a_fixed_query_count(
    world, client_for, django_assert_max_num_queries
):
    from django.utils import timezone

    from branches.models import DevelopmentStep, MemberEvent, StepKind

    person = services.create_member(
        actor=audit.SYSTEM, organization=world.branch_a1, name="王积极", category=MemberCategory.CANDIDATE
    )
    today = timezone.localdate()
    for i, kind in enumerate([StepKind.APPLICATION, StepKind.TALK, StepKind.ACTIVIST, StepKind.CANDIDATE]):
        DevelopmentStep.objects.create(member=person, kind=kind, date=today - datetime.timedelta(days=400 - 30 * i))
    # A public notice: the next step's earliest date counts working days (the calendar is read).
    DevelopmentStep.objects.create(member=person, kind=StepKind.PUBLIC_NOTICE, date=today - datetime.timedelta(days=2))
    client = client_for(world.secretary)
    url = reverse("branches:member_detail", args=[person.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as ctx:
        body = client.get(url).content.decode()
    before = len(ctx.captured_queries)
    assert any("branches_calendarday" in q["sql"] for q in ctx.captured_queries)
    expected = register.pipeline([person], today)[person.pk]
    assert [n.kind for n in expected] == [StepKind.ADMISSION]
    assert 'data-testid="next-steps"' in body and expected[0].label in body
    assert expected[0].earliest.strftime("%Y-%m-%d") in body
    for i in range(5):
        MemberEvent.objects.create(member=person, kind="status", date=today, detail=f"事件记录-{i}")
    _people(world.branch_a1, 20)
    with django_assert_max_num_queries(before):
        body = client.get(url).content.decode()
    assert body.count("事件记录-") == 5 and expected[0].earliest.strftime("%Y-%m-%d") in body


def test_the_list_rows_show_every_column_from_the_columns_read(world, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = services.create_member(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        party_group=world.group_a1,
        name="赵六",
        category="probationary",
        status="mobile",
        id_number=VALID_ID,
        phone="13800138000",
        join_date=datetime.date(2020, 7, 1),
    )
    from branches.models import OrganizationKind

    office = services.create_organization(
        actor=audit.SYSTEM, name="办公室党支部", kind=OrganizationKind.BRANCH, parent=world.unit_b
    )
    _people(office, 35)  # a branch named like many others: its rows carry the unit's name
    client = client_for(world.committee)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("branches:member_list"), {"q": "赵六"}).content.decode()
    row = body.split(f'href="{reverse("branches:member_detail", args=[person.pk])}"', 1)[1].split("</tr>", 1)[0]
    for shown in [world.branch_a1.label, "第一党小组", "预备党员", "流动", person.id_number_masked, "2020-07-01"]:
        assert shown in row, shown
    assert VALID_ID not in body and "13800138000" not in body
    listed = [q["sql"] for q in ctx.captured_queries if 'FROM "branches_member"' in q["sql"] and "LIMIT" in q["sql"]]
    assert listed and all('"branches_member"."phone"' not in sql for sql in listed)
    body = client.get(reverse("branches:member_list"), {"sort": "organization"}).content.decode()
    assert office.label == "乙局 / 办公室党支部"
    assert body.count(office.label) >= 2 * 20  # wide screens and phones each show the label
