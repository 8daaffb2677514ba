import pytest

from tests.supervision.reference import ensure_reference_data


@pytest.fixture(autouse=True)
def supervision_reference_data(db):
    ensure_reference_data()
