"""scripts/check_imports.py fails on an import circle and on a long module (issue 26)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_imports.py"


def run(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root), "--packages", "house", "--no-allowlist", *extra],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def house(tmp_path):
    package = tmp_path / "house"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text("from . import querysets\n")
    (package / "querysets.py").write_text("from django.db import models\n")
    (package / "services.py").write_text("from house.models import Thing\n")
    return package


def test_a_clean_package_passes(house):
    result = run(house.parent)
    assert result.returncode == 0, result.stdout
    assert "0 import circle(s), ok" in result.stdout


def test_a_module_level_circle_fails(house):
    (house / "querysets.py").write_text("from .models import Thing\n")
    result = run(house.parent)
    assert result.returncode == 1
    assert "Import circle between house.models, house.querysets" in result.stdout
    assert "house/querysets.py:1 imports house.models" in result.stdout


def test_a_circle_through_an_import_inside_a_function_fails_too(house):
    (house / "tasks.py").write_text("from house import services\n")
    (house / "services.py").write_text("def publish():\n    from .tasks import announce\n")
    result = run(house.parent)
    assert result.returncode == 1
    assert "house/services.py:2 imports house.tasks (inside a function)" in result.stdout


def test_imports_only_for_type_checking_are_ignored(house):
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .models import T\n"
    (house / "querysets.py").write_text(source)
    assert run(house.parent).returncode == 0


def test_a_long_module_fails_but_a_long_migration_does_not(house):
    (house / "migrations" / "0001_initial.py").write_text("x = 1\n" * 700)
    assert run(house.parent).returncode == 0
    (house / "views.py").write_text("x = 1\n" * 601)
    result = run(house.parent)
    assert result.returncode == 1
    assert "house/views.py has 601 lines (limit 600)" in result.stdout
    assert run(house.parent, "--max-lines", "700").returncode == 0


def test_an_allowlisted_long_file_passes_until_the_allowlist_is_ignored(house, monkeypatch):
    spec = importlib.util.spec_from_file_location("check_imports", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ALLOWLIST", {"house/views.py": "split elsewhere"})
    (house / "views.py").write_text("x = 1\n" * 601)
    assert module.main(["--root", str(house.parent), "--packages", "house"]) == 0
    assert module.main(["--root", str(house.parent), "--packages", "house", "--no-allowlist"]) == 1


def test_the_allowlist_is_printed(house, capsys, monkeypatch):
    spec = importlib.util.spec_from_file_location("check_imports", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ALLOWLIST", {"house/views.py": "split elsewhere"})
    module.main(["--root", str(house.parent), "--packages", "house"])
    assert "house/views.py: split elsewhere" in capsys.readouterr().out
