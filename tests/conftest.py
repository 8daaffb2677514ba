import os
from importlib import import_module
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

# Every module in tests/samples/ registers scope-walk samples for its app.
for _path in sorted((Path(__file__).parent / "samples").glob("*.py")):
    if _path.stem != "__init__":
        import_module(f"tests.samples.{_path.stem}")


@pytest.fixture(autouse=True)
def _fresh_kept_figures():
    """Kept summary figures (``branches.kept``) live in the shared cache under a version and their query: each
    test's fresh database must not meet the figures an earlier test kept for the same query."""
    from branches.kept import forget_all

    forget_all()


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


@pytest.fixture
def client_for(client):
    """Log a persona in: ``client_for(world.secretary)``."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        pass_second_factor(c, user)
        return c

    return make


def pass_second_factor(client, user):
    """Mark the client's session OTP-verified (as django_otp.login would) for users who need it."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from portal.security import requires_second_factor

    if not requires_second_factor(user):
        return None
    device = totp_device_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_device_for(user):
    """The user's confirmed TOTP device, created if missing (tests only)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


@pytest.fixture
def api_for():
    from rest_framework.test import APIClient

    def make(user):
        c = APIClient()
        c.force_authenticate(user)
        return c

    return make
