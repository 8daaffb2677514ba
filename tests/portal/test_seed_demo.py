import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from branches.models import Member, Organization, RoleGrant

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = """
import json
from branches.models import Member, Organization
fields = ("name", "kind", "depth", "parent__name", "unit__name")
orgs = sorted(map(list, Organization.objects.values_list(*fields)), key=str)
people = sorted(map(str, Member.objects.values_list("name", "category", "organization__name", "birth_date")))
print(json.dumps({"orgs": orgs, "people": people}, ensure_ascii=False))
"""


@pytest.mark.django_db
def test_small_demo_builds_the_tree_and_accounts():
    call_command("seed_demo", "--scale", "small", "--force")
    assert Organization.objects.filter(kind="committee", name="市直机关工委").exists()
    assert Organization.objects.filter(name="市财政局机关党委").exists()
    assert 18 <= Organization.objects.filter(kind="branch").count() <= 25
    assert 250 <= Member.objects.count() <= 350
    for username in ("committee", "inspector", "unitadmin", "secretary", "member"):
        assert RoleGrant.objects.filter(user__username=username).exists()


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_demo_is_deterministic_for_a_seed(tmp_path):
    """Seed two fresh databases with the same seed and compare what they hold."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DEBUG="true", PORTAL_VAR_DIR=str(tmp_path / "var"))
    template = tmp_path / "empty.sqlite3"
    _manage({**env, "DATABASE_URL": f"sqlite:///{template}"}, "migrate", "--noinput", "-v0")
    snapshots = []
    for run in ("first", "second"):
        db = tmp_path / f"{run}.sqlite3"
        shutil.copy(template, db)
        run_env = {**env, "DATABASE_URL": f"sqlite:///{db}"}
        _manage(run_env, "seed_demo", "--seed", "7")
        snapshots.append(json.loads(_manage(run_env, "shell", "-c", SNAPSHOT).strip().splitlines()[-1]))
    assert snapshots[0]["orgs"] and snapshots[0]["people"]
    assert snapshots[0] == snapshots[1]


@pytest.mark.django_db
def test_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    settings.SEED_DEMO_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


@pytest.mark.django_db
def test_demo_titles_are_chinese_whatever_the_commands_locale():
    """A command run under an English locale once gave titles like "12月Branch committee meeting"."""
    import re

    from django.utils import translation

    from branches.models import Meeting

    with translation.override("en"):
        call_command("seed_demo", "--scale", "small", "--force")
    titles = set(Meeting.objects.values_list("title", flat=True))
    assert titles
    assert not [t for t in titles if re.search(r"[A-Za-z]{3,}", t)], sorted(titles)[:5]
