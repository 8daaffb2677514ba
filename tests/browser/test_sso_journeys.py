"""Sign-on journeys in a real browser against the test identity provider (OIDC, then CAS) on loopback.

A person clicks 统一身份认证登录, signs in at the platform, lands on the portal signed in, signs out,
and is then signed out of both: the platform asks for the password again.
"""

from pathlib import Path

import pytest

from tests.sso.fixtures import CLIENT_ID, CLIENT_SECRET, identity_provider  # noqa: F401 (fixture)
from tests.sso.idp.settings import PASSWORD as PLATFORM_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-sso")


@pytest.fixture
def platform(settings, identity_provider, world):  # noqa: F811
    settings.SSO_OIDC_ISSUER = identity_provider.oidc_issuer
    settings.SSO_OIDC_CLIENT_ID = CLIENT_ID
    settings.SSO_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_CAS_SERVER_URL = identity_provider.cas_url
    settings.SSO_MATCH_BY = "employee_number"
    settings.SSO_OIDC_MATCH_CLAIM = "employee_number"
    settings.SSO_CAS_MATCH_ATTRIBUTE = "employeeNumber"
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # the explicit test allowance for loopback
    world.member.employee_number = "E1001"  # zhangsan at the platform
    world.member.save()
    return identity_provider


def _sign_in_through(page, live_server, protocol, shot=""):
    page.goto(f"{live_server.url}/accounts/login/")
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / f"{shot}-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})
    page.click(f"[data-testid=sso-{protocol}]")
    page.wait_for_load_state("networkidle")
    assert "127.0.0.1" in page.url  # at the platform's login form
    username, password = ("#idp-username", "#idp-password") if protocol == "oidc" else ("#id_username", "#id_password")
    page.fill(username, "zhangsan")
    page.fill(password, PLATFORM_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _sign_out(page):
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("protocol", ["oidc", "cas"])
def test_sign_in_through_the_platform_land_on_my_page_and_sign_out_of_both(
    page, live_server, platform, world, protocol
):
    _sign_in_through(page, live_server, protocol, shot=f"login-{protocol}")
    assert page.url.startswith(live_server.url)
    assert page.locator(".user-name").inner_text().strip() == world.member.display_name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-{protocol}.png"), full_page=True)

    _sign_out(page)
    assert page.url.startswith(f"{live_server.url}/accounts/login/")  # back from the platform's logout
    page.goto(f"{live_server.url}/me/")
    assert "/accounts/login/" in page.url  # the portal session is gone

    # The platform's session is gone too: the button leads to its password form again.
    page.goto(f"{live_server.url}/accounts/login/")
    page.click(f"[data-testid=sso-{protocol}]")
    page.wait_for_load_state("networkidle")
    assert "127.0.0.1" in page.url
    assert page.locator("input[type=password]").is_visible()
