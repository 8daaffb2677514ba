import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from branches.models import AuditEntry, Member, MemberEvent
from branches.register import excel
from tests.branches.register_helpers import good_row, unique_id, workbook

pytestmark = pytest.mark.django_db


def test_the_template_has_chinese_headers_and_lists_the_users_organisations(world):
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(excel.template_workbook(world.secretary)))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[:4] == ["姓名*", "公民身份号码*", "所在党组织*", "人员类别*"]
    names = [r[0] for r in wb["党组织"].iter_rows(min_row=2, values_only=True)]
    assert "甲局第一党支部" in names and "甲局第二党支部" not in names


def test_the_dry_run_names_every_bad_row_with_its_reason(world):
    rows = [good_row(i) for i in range(6)]
    rows[1]["name"] = ""
    rows[2]["join_date"] = "2010-13-45"
    rows[3]["id_number"] = rows[3]["id_number"][:-1] + ("1" if rows[3]["id_number"][-1] != "1" else "2")
    rows[4]["id_number"] = rows[0]["id_number"]
    rows[5]["organization"] = "乙局第一党支部"
    result = excel.dry_run(world.unit_admin, workbook(rows))
    reasons = {p.row: " ".join(p.reasons) for p in result.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "姓名" in reasons[3]
    assert "入党日期" in reasons[4]
    assert "check digit" in reasons[5] or "校验" in reasons[5]
    assert "2" in reasons[6]  # repeats row 2
    assert "乙局第一党支部" in reasons[7]
    assert Member.objects.filter(name__startswith="导入").count() == 0


def test_an_id_number_already_in_the_register_is_a_bad_row(world):
    from branches import audit, services

    services.create_member(
        actor=audit.SYSTEM, organization=world.branch_a1, name="已有", category="full", id_number=unique_id(1)
    )
    result = excel.dry_run(world.unit_admin, workbook([good_row(1)]))
    assert [p.row for p in result.problems] == [2]


def test_a_file_that_is_not_excel_is_refused_with_a_message(world):
    with pytest.raises(ValidationError):
        excel.dry_run(world.unit_admin, b"name,id\n")


def test_one_bad_row_among_500_imports_nothing_and_names_it(world):
    rows = [good_row(i) for i in range(500)]
    rows[321]["category"] = "群众"
    content = workbook(rows)
    result = excel.dry_run(world.unit_admin, content)
    assert [p.row for p in result.problems] == [323]
    with pytest.raises(ValidationError) as exc:
        excel.import_members(actor=world.unit_admin, content=content)
    assert "323" in str(exc.value)
    assert Member.objects.filter(name__startswith="导入").count() == 0


def test_the_fixed_file_imports_all_500_in_one_transaction(world, django_capture_on_commit_callbacks):
    rows = [good_row(i) for i in range(500)]
    with django_capture_on_commit_callbacks():
        people = excel.import_members(actor=world.unit_admin, content=workbook(rows))
    assert len(people) == 500 == Member.objects.filter(name__startswith="导入").count()
    assert MemberEvent.objects.filter(kind="registered", member__in=people).count() == 500
    assert AuditEntry.objects.filter(action="member.import").count() == 500


def test_a_failure_half_way_leaves_nothing_saved(world, monkeypatch):
    """The people are saved, then their audit batch fails: the import rolls back as a whole."""
    rows = [good_row(i) for i in range(20)]

    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(excel.audit, "record_many", failing)
    with pytest.raises(RuntimeError):
        excel.import_members(actor=world.unit_admin, content=workbook(rows))
    assert Member.objects.filter(name__startswith="导入").count() == 0


def test_imported_id_numbers_are_not_stored_in_clear(world):
    excel.import_members(actor=world.unit_admin, content=workbook([good_row(i) for i in range(5)]))
    plain = [unique_id(i) for i in range(5)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_hash FROM branches_member")
        stored = " ".join(f"{a} {b}" for a, b in cursor.fetchall())
        cursor.execute("SELECT before, after FROM branches_auditentry")
        audited = " ".join(str(r) for r in cursor.fetchall())
    assert not any(p in stored or p in audited for p in plain)


def test_the_import_page_shows_errors_then_applies_the_fixed_file(world, client_for):
    client = client_for(world.unit_admin)
    url = reverse("branches:member_import")
    bad = [good_row(1), good_row(2, organization="不存在的支部")]
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"file": SimpleUploadedFile("m.xlsx", workbook(bad)), "mode": "create"})
    assert response.status_code == 200
    assert "不存在的支部" in response.content.decode()
    assert client.post(url, {"apply": "1"}).status_code == 302
    assert Member.objects.filter(name__startswith="导入").count() == 0
    good = [good_row(1), good_row(2)]
    response = client.post(url, {"file": SimpleUploadedFile("m.xlsx", workbook(good)), "mode": "create"})
    assert 'data-testid="import-apply"' in response.content.decode()
    response = client.post(url, {"apply": "1", "upload": response.context["upload"].pk})
    assert response.status_code == 302
    assert Member.objects.filter(name__startswith="导入").count() == 2


def test_a_garbage_upload_gets_a_message_not_a_500(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(world.secretary).post(
        reverse("branches:member_import"), {"file": SimpleUploadedFile("m.xlsx", b"\x00garbage"), "mode": "create"}
    )
    assert response.status_code == 200
    assert "xlsx" in response.content.decode()


def test_a_plain_member_cannot_open_the_import(world, client_for):
    assert client_for(world.member).get(reverse("branches:member_import")).status_code == 403
