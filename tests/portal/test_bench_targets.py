"""The benchmark's targets and its menu walk on the ``small`` demo: every target resolves and answers 200, and
every menu page of each persona answers 200 with a fixed number of queries (bench/run.py, issue 22)."""

import sys
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench(monkeypatch):
    call_command("seed_demo", "--scale", "small", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    monkeypatch.syspath_prepend(str(ROOT))
    import bench.run as run

    yield run
    sys.modules.pop("bench.run", None)


def test_every_target_resolves_and_answers(bench):
    targets, skipped = bench.resolve_targets()
    assert skipped == []
    names = {t["name"] for t in targets}
    for later in ("member register (committee)", "review round (committee)", "dues (committee)"):
        assert later in names
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    clients = {}
    for t in targets:
        if t["persona"] not in clients:
            client = clients[t["persona"]] = Client()
            client.force_login(get_user_model().objects.get(username=t["persona"]))
            device = bench.second_factor_device(t["persona"])
            if device is not None:
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
        t["status"] = clients[t["persona"]].get(t["path"]).status_code
    assert {t["name"]: t["status"] for t in targets} == {t["name"]: 200 for t in targets}


def test_the_menu_walk_opens_every_menu_page_of_each_persona(bench):
    rows = bench.walk_menus(repeat=1)
    assert {r["persona"] for r in rows} == set(bench.MENU_PERSONAS)
    assert [r for r in rows if r["status"] not in (200, 302)] == []  # the home entries redirect to a start page
    assert all(r["queries"] > 0 and r["kb"] > 0 for r in rows if r["status"] == 200)
