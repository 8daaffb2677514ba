"""Security journeys: lockout seen by a person and by the audit log; the committee's second factor."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.browser.conftest import current_totp
from tests.conftest import totp_device_for
from tests.world import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-security")


def _group(name):
    """The 三员 group from the data migration (transactional tests flush it, so rebuild it)."""
    from importlib import import_module

    from django.contrib.auth.models import Permission

    group, created = Group.objects.get_or_create(name=name)
    if created:
        spec = import_module("portal.migrations.0003_separation_of_duties_groups").GROUPS[name]
        for app_label, model, actions in spec:
            codenames = [a if "_" in a else f"{a}_{model}" for a in actions]
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    return group


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _password_only(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_six_wrong_passwords_lock_the_account_and_the_audit_log_shows_each_attempt(world, login, browser, live_server):
    auditor = make_user("auditor", is_staff=True)
    auditor.groups.add(_group("审计管理员"))
    audit_page = login("auditor")  # signed in before the attempts: the address gets locked too

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    for _ in range(6):
        _password_only(page, live_server, "secretary", "Wrong-pass-2026")
    locked = page.get_by_test_id("login-locked")
    assert locked.is_visible()
    assert "锁定" in locked.inner_text()
    _shot(page, "login-locked-phone")
    _password_only(page, live_server, "secretary")
    assert page.get_by_test_id("login-locked").is_visible()  # the right password does not open it either
    context.close()

    audit_page.goto(f"{live_server.url}/security/audit/?action=login.failed&actor=&object=secretary")
    rows = audit_page.get_by_test_id("audit-table").locator("tbody tr")
    assert rows.count() == 7  # six wrong passwords, then the right one refused by the lock
    for i in range(7):
        assert "127.0.0.1" in rows.nth(i).inner_text()
    _shot(audit_page, "audit-log-desktop")


def test_a_committee_account_cannot_reach_any_page_without_its_second_factor(world, page, live_server):
    device = totp_device_for(world.committee)
    _password_only(page, live_server, "committee")
    assert "/accounts/2fa/verify/" in page.url
    _shot(page, "otp-verify-desktop")
    for path in ("/", "/orgs/", f"/orgs/{world.branch_a1.pk}/", "/me/", "/accounts/sessions/", "/admin/"):
        page.goto(f"{live_server.url}{path}")
        assert "/accounts/2fa/verify/" in page.url, path
    response = page.goto(f"{live_server.url}/api/v1/organizations/")
    assert response.status == 403
    page.goto(f"{live_server.url}/orgs/")
    assert device.pk
    page.fill("#id_otp_token", current_totp("committee"))
    page.click("[data-testid=otp-verify-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/orgs/")
    assert "乙局机关党委" in page.get_by_test_id("org-tree").inner_text()


def test_an_inspector_enrols_an_authenticator_on_first_login(world, browser, live_server):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    _password_only(page, live_server, "inspector")
    assert "/accounts/2fa/setup/" in page.url
    assert page.get_by_test_id("otp-qr").locator("svg").is_visible()
    _shot(page, "otp-setup-phone")
    device = TOTPDevice.objects.get(user=world.inspector, confirmed=False)
    from django_otp.oath import totp

    page.fill("#id_otp_token", f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    _shot(page, "otp-recovery-codes-phone")
    context.close()


def test_a_secretary_sees_and_ends_another_session(world, login, browser, live_server):
    other = browser.new_context(locale="zh-CN")
    other_page = other.new_page()
    _password_only(other_page, live_server, "secretary")
    page = login("secretary")
    page.goto(f"{live_server.url}/accounts/sessions/")
    items = page.get_by_test_id("session-list").locator(".list-group-item")
    assert items.count() == 2
    _shot(page, "sessions-desktop")
    page.get_by_role("button", name="结束会话").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("session-list").locator(".list-group-item").count() == 1
    other_page.goto(f"{live_server.url}/me/")
    assert "/accounts/login/" in other_page.url
    other.close()
