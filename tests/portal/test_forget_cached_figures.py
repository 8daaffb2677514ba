"""``manage.py forget_cached_figures``: after a restore, or with another database behind the same cache."""

import pytest
from django.core.management import call_command

from branches.kept import EVERY
from portal.dashboards import snapshots


def _kept(value):
    return [figures.get(("forget-test",), lambda: value)[0] for figures in EVERY]


def test_it_moves_every_kept_figure_and_dashboard_page_on():
    """``make bench`` found it: the city's kept volunteer-service totals were served over the province's
    database (one Redis, the same list, the same SQL)."""
    assert len(EVERY) >= 4  # study, dues, register, practice …
    assert _kept("old") == ["old"] * len(EVERY)
    assert _kept("new") == ["old"] * len(EVERY)  # kept until something moves them on
    generation = snapshots.generation()
    call_command("forget_cached_figures")
    assert _kept("new") == ["new"] * len(EVERY)
    assert snapshots.generation() != generation


@pytest.mark.django_db
def test_a_demo_seed_never_meets_the_figures_kept_from_an_earlier_database():
    assert _kept("from the earlier database") == ["from the earlier database"] * len(EVERY)
    call_command("seed_demo", "--scale", "small", "--force")
    assert _kept("from this one") == ["from this one"] * len(EVERY)
