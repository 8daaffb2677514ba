"""Login lockout, login auditing, password rules and first-login password change."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from branches.models import AuditEntry
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, world):
    for _ in range(4):
        assert _login(client, "secretary", "wrong-Password-1").status_code == 200
    assert _login(client, "secretary", "wrong-Password-1").status_code == 429  # the fifth failure locks
    response = _login(client, "secretary", PASSWORD)
    assert response.status_code == 429
    assert b'data-testid="login-locked"' in response.content
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_from_any_address(client, world):
    for i in range(5):
        _login(client, "secretary", "wrong-Password-1", ip=f"10.0.1.{i}")
    assert _login(client, "secretary", PASSWORD, ip="10.0.2.1").status_code == 429


def test_one_persons_failures_from_the_office_address_do_not_lock_a_colleague(client, world):
    """Security review F1b: an office shares one NAT address."""
    for _ in range(6):
        _login(client, "member", "wrong-Password-1", ip="10.9.9.9")
    locked = _login(client, "member", PASSWORD, ip="10.9.9.9")
    assert locked.status_code == 429
    assert "锁定至" in locked.content.decode()
    assert _login(client, "secretary", PASSWORD, ip="10.9.9.9").status_code == 302


def test_the_locked_person_is_told_when_to_try_again(client, world):
    from django.utils import timezone

    for _ in range(5):
        _login(client, "member", "wrong-Password-1")
    response = _login(client, "member", PASSWORD)
    expected = (timezone.localtime() + timezone.timedelta(minutes=15)).strftime("%H:")
    assert expected in response.content.decode()


@pytest.mark.parametrize("persona", ["secretary"])
def test_an_address_with_very_many_failures_is_throttled_with_a_clear_message(client, world, settings, persona):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    for i in range(10):
        _login(client, f"nobody-{i}", "wrong-Password-1", ip="10.8.8.8")
    response = _login(client, persona, PASSWORD, ip="10.8.8.8")
    assert response.status_code == 429
    assert "网络地址" in response.content.decode()
    assert _login(client, persona, PASSWORD, ip="10.8.8.7").status_code == 302


def test_the_address_throttle_never_blocks_a_correct_password_with_a_second_factor(client, world, settings):
    from tests.conftest import totp_device_for

    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    totp_device_for(world.committee)
    for i in range(10):
        _login(client, f"nobody-{i}", "wrong-Password-1", ip="10.8.8.8")
    response = _login(client, "committee", PASSWORD, ip="10.8.8.8")
    assert response.status_code == 302  # on to the second-factor step
    from django.test import Client

    assert _login(Client(), "committee", "wrong-Password-1", ip="10.8.8.8").status_code == 429


def test_forwarded_for_is_only_believed_from_a_trusted_proxy(rf, settings):
    from portal.security import client_ip

    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    spoofed = rf.get("/", REMOTE_ADDR="10.20.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(spoofed) == "10.20.0.1"
    proxied = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.20.0.9")
    assert client_ip(proxied) == "10.20.0.9"
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(garbage) == "10.0.0.5"
    settings.TRUSTED_PROXIES = []
    assert client_ip(proxied) == "10.0.0.5"


def test_a_security_administrator_unlocks_an_account_on_its_page_and_it_is_audited(client, client_for, world):
    from django.contrib.auth.models import Group

    from tests.world import make_user

    for _ in range(5):
        _login(client, "member", "wrong-Password-1")
    secadmin = make_user("secadmin2")
    secadmin.groups.add(Group.objects.get(name="安全管理员"))
    page = client_for(secadmin).get(reverse("lockout-list"))
    assert page.status_code == 200 and "member" in page.content.decode()
    client_for(secadmin).post(reverse("lockout-list"), {"username": "member"})
    assert _login(client, "member", PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="login.unlocked", actor=secadmin).exists()
    assert client_for(world.unit_admin).get(reverse("lockout-list")).status_code == 403


def test_four_failures_then_the_right_password_logs_in(client, world):
    for _ in range(4):
        _login(client, "secretary", "wrong-Password-1")
    assert _login(client, "secretary", PASSWORD).status_code == 302


def test_each_failed_login_is_audited_with_the_ip_address(client, world):
    for _ in range(6):
        _login(client, "secretary", "wrong-Password-1", ip="10.1.2.3")
    attempts = AuditEntry.objects.filter(action="login.failed", object_repr="secretary").order_by("id")
    assert attempts.count() == 6
    assert set(attempts.values_list("ip", flat=True)) == {"10.1.2.3"}
    assert [a.after["locked"] for a in attempts] == [False] * 4 + [True] * 2


def test_a_successful_login_is_audited_with_the_ip_address(client, world):
    _login(client, "secretary", PASSWORD, ip="10.4.5.6")
    entry = AuditEntry.objects.get(action="login.succeeded")
    assert entry.actor == world.secretary
    assert entry.ip == "10.4.5.6"


def test_unlock_command_lifts_the_lockout_and_is_audited(client, world):
    for _ in range(5):
        _login(client, "secretary", "wrong-Password-1", ip="10.7.7.7")
    call_command("unlock_login", "--username", "secretary", "--ip", "10.7.7.7")
    assert _login(client, "secretary", PASSWORD, ip="10.7.7.7").status_code == 302
    assert AuditEntry.objects.filter(action="login.unlocked", object_repr="secretary").exists()


def test_token_endpoint_is_locked_after_five_failures(client, world):
    url = reverse("api-token")
    for _ in range(4):
        assert (
            client.post(url, {"username": "member", "password": "nope-Nope-1"}, REMOTE_ADDR="10.3.3.3").status_code
            == 400
        )
    assert (
        client.post(url, {"username": "member", "password": "nope-Nope-1"}, REMOTE_ADDR="10.3.3.3").status_code == 429
    )
    response = client.post(url, {"username": "member", "password": PASSWORD}, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 429
    assert "detail" in response.json()


def test_admin_passwords_need_twelve_characters(world):
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError) as exc:
        validate_password("Abcdef-123", user=world.committee)
    assert "password_too_short_admin" in [e.code for e in exc.value.error_list]
    validate_password("Abcdef-123-xyz", user=world.committee)


def test_an_ordinary_member_may_use_eight_characters_of_three_classes(world):
    from django.contrib.auth.password_validation import validate_password

    validate_password("Abcdef-1", user=world.member)


def test_passwords_with_two_character_classes_are_refused(world):
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError):
        validate_password("abcdefgh12", user=world.member)


def test_account_added_by_an_administrator_must_change_its_password(client):
    admin = get_user_model().objects.create_superuser("root", password="Root-pass-2026-long")
    from tests.conftest import pass_second_factor

    client.force_login(admin)
    pass_second_factor(client, admin)
    response = client.post(
        reverse("admin:portal_user_add"),
        {
            "username": "newbie",
            "password1": "Newbie-pass-2026",
            "password2": "Newbie-pass-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert get_user_model().objects.get(username="newbie").must_change_password


def test_changing_the_password_clears_the_first_login_flag_and_ends_other_sessions(client_for, world):
    user = world.member
    user.must_change_password = True
    user.save()
    other = client_for(user)
    mine = client_for(user)
    assert mine.get(reverse("me")).status_code == 302
    response = mine.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Brand-new-2026", "new_password2": "Brand-new-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert mine.get(reverse("me")).status_code == 200
    assert other.get(reverse("me")).status_code == 302
    assert AuditEntry.objects.filter(action="password.changed", actor=user).exists()


def test_only_a_security_administrator_may_unlock(world):
    from django.core.exceptions import PermissionDenied

    from portal.security.services import unlock

    with pytest.raises(PermissionDenied):
        unlock(actor=world.unit_admin, username="secretary")
