"""Integrity of access-control data: HMAC-SM3 on role grants and account flags (issue 24)."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from branches import access, integrity
from branches.models import AuditEntry, RoleGrant
from branches.roles import Role
from tests.world import make_user

pytestmark = pytest.mark.django_db


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_grants_are_sealed_and_read_in_one_query(world, django_assert_num_queries):
    grant = RoleGrant.objects.filter(user=world.secretary).first()
    assert grant.mac and integrity.grant_ok(grant)
    user = _fresh(world.secretary)
    with django_assert_num_queries(1):
        grants = access.grants_of(user)
    assert grant in grants


def test_a_grant_edited_in_sql_is_denied_and_alerted(world, caplog):
    grant = RoleGrant.objects.filter(user=world.member).first()
    _sql("UPDATE branches_rolegrant SET role = %s, include_subtree = true WHERE id = %s", [Role.SECRETARY, grant.pk])
    user = _fresh(world.member)
    with caplog.at_level(logging.ERROR, logger="portal.security.integrity"):
        assert access.grants_of(user) == []
    assert not access.has_permission(user, "member.change")
    assert "Integrity violation" in caplog.text
    alert = AuditEntry.objects.get(action="integrity.violation")
    assert alert.object_id == str(grant.pk) and alert.after["kind"] == "grant"


def test_a_forged_grant_inserted_in_sql_is_denied(world):
    _sql(
        "INSERT INTO branches_rolegrant (user_id, organization_id, role, include_subtree, created_at, mac) "
        "VALUES (%s, %s, %s, true, CURRENT_TIMESTAMP, '')",
        [world.member.pk, world.root.pk, Role.COMMITTEE_STAFF],
    )
    assert Role.COMMITTEE_STAFF not in access.roles_of(_fresh(world.member))


def test_saving_a_tampered_grant_does_not_launder_it(world):
    grant = RoleGrant.objects.filter(user=world.member).first()
    _sql("UPDATE branches_rolegrant SET include_subtree = NOT include_subtree WHERE id = %s", [grant.pk])
    loaded = RoleGrant.objects.get(pk=grant.pk)
    loaded.save()
    assert not integrity.grant_ok(RoleGrant.objects.get(pk=grant.pk))


def test_grants_made_in_bulk_are_sealed_and_update_is_refused(world):
    outsider = make_user("bulk-grantee")
    RoleGrant.objects.bulk_create([RoleGrant(user=outsider, organization=world.branch_a1, role=Role.MEMBER)])
    assert access.roles_of(_fresh(outsider)) == {Role.MEMBER}
    with pytest.raises(TypeError):
        RoleGrant.objects.filter(user=outsider).update(role=Role.SECRETARY)


def test_account_flags_are_sealed_and_a_forged_superuser_is_signed_out(world, client_for, caplog):
    user = make_user("plain-account")
    assert integrity.account_ok(_fresh(user))
    client = client_for(user)
    assert client.get(reverse("session-list")).status_code == 200
    _sql("UPDATE portal_user SET is_superuser = true, is_staff = true WHERE id = %s", [user.pk])
    forged = _fresh(user)
    assert not access.has_permission(forged, "org.manage")
    with caplog.at_level(logging.ERROR, logger="portal.security.integrity"):
        response = client.get(reverse("session-list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert AuditEntry.objects.filter(action="integrity.violation", object_id=str(user.pk)).exists()


def test_an_ordinary_save_does_not_reseal_forged_flags_but_a_real_change_is_sealed(world):
    user = make_user("flagged")
    _sql("UPDATE portal_user SET is_superuser = true WHERE id = %s", [user.pk])
    forged = _fresh(user)
    forged.save(update_fields=["last_login"])  # what every login does
    assert not integrity.account_ok(_fresh(user))
    genuine = make_user("genuine")
    genuine.is_staff = True
    genuine.save(update_fields=["is_staff"])
    assert integrity.account_ok(_fresh(genuine))


def test_accounts_made_in_bulk_are_sealed():
    User = get_user_model()
    User.objects.bulk_create([User(username="bulk1"), User(username="bulk2")])
    assert all(integrity.account_ok(u) for u in User.objects.filter(username__startswith="bulk"))


def test_a_tampered_grant_receives_no_notices(world):
    grant = RoleGrant.objects.get(user=world.secretary, role=Role.SECRETARY)
    assert world.secretary.pk in access.holders([grant.organization], [Role.SECRETARY])[grant.organization_id]
    _sql("UPDATE branches_rolegrant SET include_subtree = NOT include_subtree WHERE id = %s", [grant.pk])
    assert world.secretary.pk not in access.holders([grant.organization], [Role.SECRETARY])[grant.organization_id]


def test_a_checked_account_is_resealed_by_the_command_and_audited(world):
    from django.core.management import call_command

    user = make_user("repaired")
    _sql("UPDATE portal_user SET is_staff = true WHERE id = %s", [user.pk])
    assert not integrity.account_ok(_fresh(user))
    call_command("reseal_access_control", "--user", "repaired", "--reason", "approved by the security officer")
    assert integrity.account_ok(_fresh(user))
    assert AuditEntry.objects.get(action="integrity.resealed").after["reason"].startswith("approved")


def test_a_group_membership_added_in_sql_grants_nothing_and_is_alerted(world):
    from django.contrib.auth.models import Group

    auditor_group = Group.objects.get(name="审计管理员")
    insider = make_user("insider")
    insider.groups.add(Group.objects.get(name="安全管理员"))
    assert _fresh(insider).has_perm("portal.manage_security")
    _sql("INSERT INTO portal_user_groups (user_id, group_id) VALUES (%s, %s)", [insider.pk, auditor_group.pk])
    forged = _fresh(insider)
    assert not forged.has_perm("portal.view_audit_log") and not forged.has_perm("portal.manage_security")
    assert AuditEntry.objects.filter(action="integrity.violation", after__kind="groups").exists()
    insider.groups.remove(auditor_group)  # the application's own change re-seals
    assert _fresh(insider).has_perm("portal.manage_security")


def test_memberships_changed_from_the_group_side_are_sealed_too(world):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="审计管理员")
    users = [make_user(f"auditor{i}") for i in range(2)]
    group.user_set.add(*users)
    assert all(_fresh(u).has_perm("portal.view_audit_log") for u in users)
    users[0].groups.add(Group.objects.get(name="安全管理员"))
    group.user_set.clear()
    assert _fresh(users[0]).has_perm("portal.manage_security")
    assert not _fresh(users[1]).has_perm("portal.view_audit_log")


def test_own_and_group_permissions_are_read_in_one_query_and_only_the_groups_follow_the_seal(
    world, django_assert_num_queries
):
    """Every page asks for a permission: the user's own and their groups' come in one query. A forged
    membership voids the group permissions only; the user's own grants stand, and a superuser has all."""
    from django.contrib.auth.models import Group, Permission

    security = Group.objects.get(name="安全管理员")
    own = Permission.objects.exclude(group=security).select_related("content_type").order_by("pk").first()
    own_name = f"{own.content_type.app_label}.{own.codename}"
    insider = make_user("insider")
    insider.groups.add(security)
    insider.user_permissions.add(own)
    user = _fresh(insider)
    with django_assert_num_queries(1):
        perms = user.get_all_permissions()
        assert user.has_perm("portal.manage_security") and user.has_perm(own_name)
    assert {"portal.manage_security", own_name} <= perms
    assert user.get_user_permissions() == {own_name}
    assert own_name not in user.get_group_permissions()
    auditors = Group.objects.get(name="审计管理员")
    _sql("INSERT INTO portal_user_groups (user_id, group_id) VALUES (%s, %s)", [insider.pk, auditors.pk])
    forged = _fresh(insider)
    assert not forged.has_perm("portal.manage_security") and forged.has_perm(own_name)
    nobody = _fresh(make_user("no-permissions"))
    with django_assert_num_queries(1):
        assert nobody.get_all_permissions() == set() and not nobody.has_perm(own_name)
    root = _fresh(get_user_model().objects.filter(is_superuser=True).first() or make_user("root", is_superuser=True))
    root.get_group_permissions()  # asked first: the superuser's own permissions are still all of them
    assert root.get_all_permissions() == {
        f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }
    inactive = _fresh(insider)
    inactive.is_active = False
    assert inactive.get_all_permissions() == set() and not inactive.has_perm(own_name)


def test_a_forged_group_numbered_zero_does_not_pass_for_the_users_own_permissions(world, caplog):
    """The user's own permissions are told apart by a NULL group, so no group row can pass for them."""
    from django.contrib.auth.models import Permission

    insider = make_user("zero")
    _sql("INSERT INTO auth_group (id, name) VALUES (0, 'forged')")
    manage = Permission.objects.get(codename="manage_security")
    _sql("INSERT INTO auth_group_permissions (group_id, permission_id) VALUES (0, %s)", [manage.pk])
    _sql("INSERT INTO portal_user_groups (user_id, group_id) VALUES (%s, 0)", [insider.pk])
    with caplog.at_level(logging.ERROR):
        assert not _fresh(insider).has_perm("portal.manage_security")
    assert AuditEntry.objects.filter(action="integrity.violation", after__kind="groups").exists()
