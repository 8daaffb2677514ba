"""三员 separation, the audit log viewer, export, and export-then-prune retention."""

import datetime
import gzip
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from branches import audit
from branches.models import AuditEntry
from branches.models.audit import AuditRecordsAreKept
from portal.security.services import archive_and_prune_audit
from tests.world import make_user

pytestmark = pytest.mark.django_db

AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN = "审计管理员", "安全管理员", "系统管理员"


def _in_group(name, username):
    user = make_user(username)
    user.groups.add(Group.objects.get(name=name))
    return user


def _entry(actor_name="someone", action="thing.changed", at=None, organization=None, repr_="对象"):
    entry = audit.record(
        audit.SYSTEM, action, object_type="x.y", object_id="1", object_repr=repr_, organization=organization
    )
    # Test set-up only: back-date the entry past the model's no-edit guard.
    QuerySet.update(AuditEntry.objects.filter(pk=entry.pk), actor_name=actor_name, **({"at": at} if at else {}))
    return entry


def test_the_three_administrator_roles_exist_with_distinct_permissions():
    perms = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert {AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN} <= set(perms)
    assert perms[AUDIT_ADMIN] == {"view_audit_log", "export_audit_log", "view_auditentry"}
    assert "view_audit_log" not in perms[SYSTEM_ADMIN]
    assert "change_user" not in perms[SECURITY_ADMIN] and "change_user" in perms[SYSTEM_ADMIN]
    assert "manage_security" in perms[SECURITY_ADMIN] and "manage_security" not in perms[AUDIT_ADMIN]


def test_no_group_may_change_or_delete_audit_entries():
    forbidden = Permission.objects.filter(codename__in=["delete_auditentry", "change_auditentry", "add_auditentry"])
    assert not Group.objects.filter(permissions__in=forbidden).exists()


def test_audit_entries_cannot_be_deleted_or_edited():
    entry = _entry()
    with pytest.raises(AuditRecordsAreKept):
        entry.delete()
    with pytest.raises(AuditRecordsAreKept):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditRecordsAreKept):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    entry.action = "forged"
    with pytest.raises(AuditRecordsAreKept):
        entry.save()


def test_the_audit_administrator_reads_the_log_but_cannot_change_anything_in_admin(client):
    auditor = _in_group(AUDIT_ADMIN, "auditor")
    auditor.is_staff = True
    auditor.save()
    from tests.conftest import pass_second_factor

    client.force_login(auditor)
    pass_second_factor(client, auditor)
    assert client.get(reverse("audit-list")).status_code == 200
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403
    entry = _entry()
    assert client.post(reverse("admin:branches_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("persona", ["committee", "secretary", "member"])
def test_portal_roles_cannot_open_the_audit_log(client_for, world, persona):
    assert client_for(getattr(world, persona)).get(reverse("audit-list")).status_code == 403


def test_the_viewer_searches_by_actor_action_organisation_and_time(client_for, world):
    auditor = _in_group(AUDIT_ADMIN, "auditor")
    now = timezone.now()
    _entry("zhang", "member.update", organization=world.branch_a1, repr_="王某")
    _entry("li", "meeting.create", organization=world.branch_b1)
    _entry("zhang", "member.update", at=now - datetime.timedelta(days=40), organization=world.branch_a1)
    c = client_for(auditor)

    def found(**params):
        return {(e.actor_name, e.action) for e in c.get(reverse("audit-list"), params).context["entries"]}

    assert found(actor="zhang") == {("zhang", "member.update")}
    assert found(action="meeting") == {("li", "meeting.create")}
    assert found(organization=world.unit_a.pk, actor="zhang") == {("zhang", "member.update")}
    assert len(c.get(reverse("audit-list"), {"actor": "zhang"}).context["entries"]) == 2
    recent = c.get(reverse("audit-list"), {"actor": "zhang", "start": (now - datetime.timedelta(days=7)).date()})
    assert len(recent.context["entries"]) == 1
    assert found(object="王某") == {("zhang", "member.update")}


def test_a_start_after_the_end_is_a_clear_message_not_an_error(client_for, world):
    c = client_for(_in_group(AUDIT_ADMIN, "auditor"))
    response = c.get(reverse("audit-list"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_the_audit_list_query_count_does_not_grow_with_entries(client_for, world, django_assert_max_num_queries):
    c = client_for(_in_group(AUDIT_ADMIN, "auditor"))
    for i in range(3):
        _entry(f"a{i}", organization=world.branch_a1)
    c.get(reverse("audit-list"))
    with django_assert_max_num_queries(12) as before:
        c.get(reverse("audit-list"))
    for i in range(60):
        _entry(f"b{i}", organization=world.branch_a2)
    with django_assert_max_num_queries(len(before.captured_queries)):
        c.get(reverse("audit-list"))


def test_export_gives_an_excel_file_and_is_itself_audited(client_for, world):
    auditor = _in_group(AUDIT_ADMIN, "auditor")
    _entry("zhang", "member.update")
    response = client_for(auditor).get(reverse("audit-export"), {"actor": "zhang"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert len(rows) == 2 and rows[1][1] == "zhang"
    assert AuditEntry.objects.filter(action="audit.exported", actor=auditor).exists()


def test_the_security_administrator_can_read_but_not_export(client_for, world):
    c = client_for(_in_group(SECURITY_ADMIN, "secadmin"))
    assert c.get(reverse("audit-list")).status_code == 200
    assert c.get(reverse("audit-export")).status_code == 403


def test_retention_exports_old_entries_to_a_file_before_pruning_them(settings, tmp_path, world):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    now = timezone.now()
    old = _entry("old-actor", at=now - datetime.timedelta(days=400))
    recent = _entry("recent-actor", at=now - datetime.timedelta(days=100))
    result = archive_and_prune_audit(now=now)
    assert result["archived"] == 1
    with gzip.open(result["file"], "rt", encoding="utf-8") as fh:
        archived = [json.loads(line) for line in fh]
    assert [row["id"] for row in archived] == [old.pk]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert AuditEntry.objects.filter(action="audit.archived").exists()


def test_retention_with_nothing_old_writes_no_file(settings, tmp_path, world):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    assert archive_and_prune_audit(now=timezone.now())["archived"] == 0
    assert list(tmp_path.iterdir()) == []


def test_retention_of_six_months_keeps_five_month_old_entries(settings, tmp_path, world):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    settings.AUDIT_RETENTION_MONTHS = 6
    now = timezone.now()
    kept = _entry(at=now - datetime.timedelta(days=150))
    gone = _entry(at=now - datetime.timedelta(days=200))
    archive_and_prune_audit(now=now)
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    assert not AuditEntry.objects.filter(pk=gone.pk).exists()


def test_a_system_administrator_cannot_grant_groups_or_superuser(client, world):
    sysadmin = _in_group(SYSTEM_ADMIN, "sysadmin")
    sysadmin.is_staff = True
    sysadmin.save()
    from tests.conftest import pass_second_factor

    client.force_login(sysadmin)
    pass_second_factor(client, sysadmin)
    page = client.get(reverse("admin:portal_user_change", args=[world.member.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "groups" not in form.fields and "is_superuser" not in form.fields and "is_staff" not in form.fields
    assert "is_active" in form.fields
    # His own (staff) account is read-only to him: only the superuser changes the 三员 (F2).
    own = client.get(reverse("admin:portal_user_change", args=[sysadmin.pk]))
    assert own.status_code == 200 and not own.context["has_change_permission"]


def test_the_sessions_page_query_count_does_not_grow_with_sessions(client_for, world, django_assert_max_num_queries):
    c = client_for(world.secretary)
    c.get(reverse("session-list"))
    with django_assert_max_num_queries(15) as before:
        c.get(reverse("session-list"))
    for _ in range(8):
        client_for(world.secretary)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert len(c.get(reverse("session-list")).context["sessions"]) == 9


def test_the_viewer_shows_what_changed_with_personal_numbers_masked(client_for, world):
    audit.record(
        world.secretary,
        "member.update",
        world.branch_a1,
        before={"name": "张三", "note": "", "unit": "甲局"},
        after={"name": "张三丰", "note": "110105194912310021", "unit": "甲局"},
    )
    page = client_for(_in_group(AUDIT_ADMIN, "auditor")).get(reverse("audit-list"), {"action": "member.update"})
    changes = page.context["entries"][0].changes
    assert "name: 张三 → 张三丰" in changes
    assert "110105194912310021" not in changes and "note:  → 110***********0021" in changes
    assert "unit" not in changes  # unchanged fields are left out
