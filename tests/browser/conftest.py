"""Browser journeys: Playwright for Python driving Debian's Chromium (never a downloaded build)."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (make test installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def current_totp(username):
    """A fresh code for the user's test authenticator (second-factor roles only)."""
    from django.contrib.auth import get_user_model
    from django_otp.oath import totp

    from tests.conftest import totp_device_for

    device = totp_device_for(get_user_model().objects.get(username=username))
    type(device).objects.filter(pk=device.pk).update(last_t=-1)  # allow the same code twice in 30 s
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def log_in(page, live_server, username, password=None):
    """Log ``username`` in on ``page``, typing the TOTP code for accounts that need a second factor."""
    from django.contrib.auth import get_user_model

    from portal.security import requires_second_factor
    from tests.conftest import totp_device_for
    from tests.world import PASSWORD

    user = get_user_model().objects.filter(username=username).first()
    if user is not None and requires_second_factor(user):
        totp_device_for(user)  # enrolled, so the login asks for the code
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/accounts/2fa/verify/" in page.url:
        page.fill("#id_otp_token", current_totp(username))
        page.click("[data-testid=otp-verify-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def login(page, live_server):
    def do(username, password=None):
        return log_in(page, live_server, username, password)

    return do
