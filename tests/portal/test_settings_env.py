import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _settings_with(**env):
    full = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    full.setdefault("SECRET_KEY", "test-secret")
    full.setdefault("FIELD_ENCRYPTION_KEY", "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc=")
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings"], cwd=ROOT, env=full, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://x"),
        ("REDIS_URL", "http://nope"),
        ("FIELD_ENCRYPTION_KEY", "short"),
        ("EMAIL_URL", "ftp://x"),
        ("UPLOAD_MAX_BYTES", "ten"),
    ],
)
def test_a_bad_value_stops_the_program_naming_the_variable(name, value):
    result = _settings_with(**{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_production_without_secret_key_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "false"
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_locale_and_time_zone():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_the_filesystem_broker_keeps_all_its_folders_under_var(tmp_path):
    script = "from portal import settings as s; import json; print(json.dumps(s.CELERY_BROKER_TRANSPORT_OPTIONS))"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["PORTAL_VAR_DIR"] = str(tmp_path / "var")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    import json

    options = json.loads(result.stdout.strip().splitlines()[-1])
    folders = {key: Path(value) for key, value in options.items() if key.endswith("_folder") or "folder_" in key}
    assert set(folders) == {"data_folder_in", "data_folder_out", "processed_folder", "control_folder"}
    for path in folders.values():
        assert path.is_relative_to(tmp_path / "var" / "broker")
    assert (tmp_path / "var" / "broker" / "control").is_dir()
