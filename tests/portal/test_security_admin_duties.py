"""三员 in the Django admin (security review F2)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from branches.models import AuditEntry, RoleGrant, Unit
from tests.world import make_user

pytestmark = pytest.mark.django_db


def _in_group(username, group):
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def duties(world):
    return {
        "root": make_user("root", is_staff=True, is_superuser=True),
        "sysadmin": _in_group("sysadmin1", "系统管理员"),
        "secadmin": _in_group("secadmin1", "安全管理员"),
        "auditor": _in_group("auditor1", "审计管理员"),
    }


@pytest.mark.parametrize("target", ["root", "secadmin", "auditor"])
def test_the_system_administrator_cannot_reset_a_protected_accounts_password(client_for, duties, target):
    c = client_for(duties["sysadmin"])
    user = duties[target]
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert c.get(url).status_code == 403
    assert c.post(url, {"password1": "Xx-new-pass-2026!", "password2": "Xx-new-pass-2026!"}).status_code == 403
    user.refresh_from_db()
    assert user.check_password("Test-pass-2026")


def test_the_system_administrator_resets_an_ordinary_password_and_it_is_audited(client_for, duties, world):
    c = client_for(duties["sysadmin"])
    url = reverse("admin:auth_user_password_change", args=[world.member.pk])
    response = c.post(
        url, {"password1": "Xx-new-pass-2026!", "password2": "Xx-new-pass-2026!", "usable_password": "true"}
    )
    assert response.status_code == 302, response.content[:500]
    world.member.refresh_from_db()
    assert world.member.check_password("Xx-new-pass-2026!")
    assert AuditEntry.objects.filter(action="admin.password_reset", actor=duties["sysadmin"]).exists()


def _grant(c, user, org, role, subtree=True):
    data = {"user": user.pk, "organization": org.pk, "role": role}
    if subtree:
        data["include_subtree"] = "on"
    return c.post(reverse("admin:branches_rolegrant_add"), data)


def test_the_system_administrator_cannot_grant_himself_committee_staff(client_for, duties, world):
    c = client_for(duties["sysadmin"])
    assert _grant(c, duties["sysadmin"], world.root, "committee_staff").status_code == 403
    assert not RoleGrant.objects.filter(user=duties["sysadmin"]).exists()


def test_the_system_administrator_cannot_make_committee_wide_or_unmasking_grants(client_for, duties, world):
    c = client_for(duties["sysadmin"])
    clerk = make_user("clerk")
    assert _grant(c, clerk, world.root, "committee_staff").status_code == 403
    assert _grant(c, clerk, world.unit_a, "unit_admin").status_code == 403
    assert not RoleGrant.objects.filter(user=clerk).exists()


def test_the_system_administrator_grants_an_ordinary_role_and_it_is_audited(client_for, duties, world):
    c = client_for(duties["sysadmin"])
    clerk = make_user("clerk")
    assert _grant(c, clerk, world.branch_a2, "secretary").status_code == 302
    grant = RoleGrant.objects.get(user=clerk)
    entry = AuditEntry.objects.get(action="admin.added", object_type="branches.rolegrant", object_id=str(grant.pk))
    assert entry.actor == duties["sysadmin"] and entry.after["role"] == "secretary"


def test_the_security_administrator_makes_a_committee_wide_grant(client_for, duties, world):
    c = client_for(duties["secadmin"])
    clerk = make_user("clerk")
    assert _grant(c, clerk, world.root, "committee_staff").status_code == 302
    assert RoleGrant.objects.filter(user=clerk, role="committee_staff").exists()
    assert AuditEntry.objects.filter(action="admin.added", actor=duties["secadmin"]).exists()


def test_every_admin_change_reaches_the_audit_log(client_for, duties):
    c = client_for(duties["sysadmin"])
    assert c.post(reverse("admin:branches_unit_add"), {"name": "丙局", "short_name": "", "order": 0}).status_code == 302
    unit = Unit.objects.get(name="丙局")
    assert AuditEntry.objects.filter(action="admin.added", object_id=str(unit.pk), actor=duties["sysadmin"]).exists()
    c.post(reverse("admin:branches_unit_change", args=[unit.pk]), {"name": "丙局2", "short_name": "", "order": 0})
    entry = AuditEntry.objects.get(action="admin.changed", object_id=str(unit.pk))
    assert entry.before["name"] == "丙局" and entry.after["name"] == "丙局2"
