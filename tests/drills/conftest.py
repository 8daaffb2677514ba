import os

import pytest


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture
def pg_url():
    url = postgres_url()
    if url is None:
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    return url
