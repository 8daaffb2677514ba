import os
from importlib import import_module
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

# Every module in tests/samples/ registers scope-walk samples for its app.
for _path in sorted((Path(__file__).parent / "samples").glob("*.py")):
    if _path.stem != "__init__":
        import_module(f"tests.samples.{_path.stem}")


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
        return c

    return make


@pytest.fixture
def api_for():
    from rest_framework.test import APIClient

    def make(user):
        c = APIClient()
        c.force_authenticate(user)
        return c

    return make
