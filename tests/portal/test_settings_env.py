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
