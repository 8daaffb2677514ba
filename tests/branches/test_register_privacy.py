"""Security review F10 (personal data in URLs, audit rows and the session) and F11 (never say in
which other unit a person is registered), for the register."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from branches import audit, services
from branches.models import AuditEntry, Member, RosterUpload
from tests.branches.roster_files import person, xlsx

pytestmark = pytest.mark.django_db
NEUTRAL = "此人无法在此添加；请联系单位管理员或发起组织关系转接。"


def _someone(world, org, name="在册者"):
    real = person(1)["公民身份证号码"]
    services.create_member(actor=audit.SYSTEM, organization=org, name=name, category="full", id_number=real)
    return real


def test_searching_by_id_number_never_puts_it_in_a_url(world, client_for):
    real = _someone(world, world.branch_a1)
    client = client_for(world.unit_admin)
    response = client.post(reverse("branches:member_list"), {"q": real.lower(), "category": "full"})
    assert response.status_code == 302
    location = response["Location"]
    assert real not in location and real.lower() not in location and real[:15] not in location
    assert "idh=" in location and "category=full" in location
    body = client.get(location).content.decode()
    assert "在册者" in body and real not in body


def test_a_name_search_still_reads_well_in_the_url(world, client_for):
    response = client_for(world.unit_admin).post(reverse("branches:member_list"), {"q": "在册"})
    assert "q=" in response["Location"]


def test_the_export_audit_row_stores_the_filter_masked(world, client_for):
    real = _someone(world, world.branch_a1)
    client_for(world.unit_admin).get(reverse("branches:member_export"), {"q": real, "download": "1"})
    entry = AuditEntry.objects.filter(action__startswith="member.export").latest("id")
    assert real not in str(entry.after) and entry.after["filters"]["q"].startswith(real[:3])


def test_the_checked_workbook_waits_encrypted_on_the_server_not_in_the_session(world, client_for):
    client = client_for(world.unit_admin)
    content = xlsx([person(3)])
    response = client.post(
        reverse("branches:member_import"), {"file": SimpleUploadedFile("m.xlsx", content), "mode": "create"}
    )
    upload = response.context["upload"]
    for session in Session.objects.all():
        decoded = str(session.get_decoded())
        assert "UEsDB" not in decoded and len(session.session_data) < 5000
    with connection.cursor() as cursor:
        key = RosterUpload._meta.pk.get_db_prep_value(upload.pk, connection)  # hex on SQLite, uuid on PostgreSQL
        cursor.execute("SELECT content FROM branches_rosterupload WHERE id = %s", [key])
        (stored,) = cursor.fetchone()
    assert not stored.startswith("UEsDB")  # base64 of a zip: the file is not stored in clear
    assert upload.expires_at <= timezone.now() + datetime.timedelta(minutes=31)
    # Another user cannot use the id; an expired upload is gone.
    other = client_for(world.other_admin).post(reverse("branches:member_import"), {"apply": "1", "upload": upload.pk})
    assert other.status_code == 403 or not Member.objects.filter(name="党员003").exists()
    RosterUpload.objects.filter(pk=upload.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.post(reverse("branches:member_import"), {"apply": "1", "upload": upload.pk})
    assert not Member.objects.filter(name="党员003").exists()


def test_the_member_form_does_not_say_where_a_person_is_registered(world, client_for):
    real = _someone(world, world.branch_b1, name="乙局的人")
    response = client_for(world.secretary).post(
        reverse("branches:member_create"),
        {"name": "新人", "organization": world.branch_a1.pk, "category": "full", "status": "normal", "id_number": real},
    )
    body = response.content.decode()
    assert NEUTRAL in body
    assert "乙局" not in body.split("<main", 1)[-1] or "乙局的人" not in body
    assert "already registered" not in body and "已登记" not in body


def test_the_import_dry_run_does_not_say_where_a_person_is_registered(world, client_for):
    _someone(world, world.branch_b1, name="乙局的人")
    response = client_for(world.unit_admin).post(
        reverse("branches:member_import"), {"file": SimpleUploadedFile("m.xlsx", xlsx([person(1)])), "mode": "create"}
    )
    body = response.content.decode()
    assert NEUTRAL in body and "乙局的人" not in body and "乙局第一党支部" not in body
