import pytest


@pytest.fixture(autouse=True)
def committee_rule_for_every_branch(db):
    """These tests count meetings against the frequency rules; whether a branch owes committee
    meetings at all (a committee recorded, or ≥ 7 full members) is tested in
    ``tests/branches/test_regulation_dates.py``. Here every branch owes them, as before."""
    from branches.models import FrequencyRule

    FrequencyRule.objects.filter(kind="committee").update(only_with_committee=False)
