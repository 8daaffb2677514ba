"""HTTP hardening: check --deploy, CSP, frame and referrer headers, API errors without internals."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "FIELD_SM4_KEYS": "1:" + base64.b64encode(os.urandom(16)).decode(),
        "BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "INTEGRITY_KEYS": "1:" + base64.b64encode(os.urandom(32)).decode(),
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_templates_contain_no_inline_scripts():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for chunk in text.split("<script")[1:]:
            if "src=" not in chunk.split(">", 1)[0]:
                offenders.append(str(path))
        if " onclick=" in text or " onload=" in text or " onchange=" in text:
            offenders.append(str(path))
    assert offenders == []


@pytest.mark.django_db
def test_pages_cannot_be_framed_and_send_a_referrer_policy(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_https_settings_make_cookies_secure_and_send_hsts(tmp_path):
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='portal.settings';"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS>=31536000, s.SECURE_SSL_REDIRECT)"
    )
    env = {**os.environ, "HTTPS": "true", "SECRET_KEY": "x" * 60, "PORTAL_VAR_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["True", "True", "True", "True"], out.stderr


@pytest.mark.django_db
def test_an_unexpected_api_error_shows_no_stack_trace_or_sql(api_for, world, monkeypatch):
    from django.db import connection

    from branches.api import views as branch_views

    def explode(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM no_such_table")

    viewset = next(v for v in vars(branch_views).values() if getattr(v, "__name__", "") == "OrganizationViewSet")
    monkeypatch.setattr(viewset, "get_queryset", explode)
    response = api_for(world.secretary).get("/api/v1/organizations/")
    assert response.status_code == 500
    body = response.content.decode()
    for leak in ("Traceback", "no_such_table", "SELECT", 'File "', "OperationalError", "ProgrammingError"):
        assert leak not in body
    assert "detail" in response.json()


@pytest.mark.django_db
def test_bad_api_input_is_a_400_with_a_message_not_a_500(api_for, world):
    client = api_for(world.secretary)
    for url in (
        "/api/v1/organizations/?page=abc",
        "/api/v1/organizations/999999999/",
        "/api/v1/members/?ordering=;drop",
    ):
        response = client.get(url)
        assert response.status_code < 500
        assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_anonymous_api_calls_are_throttled(client, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "9/minute"})
    try:
        codes = [
            client.post(reverse("api-token"), {"username": "x", "password": "y"}, REMOTE_ADDR="10.8.8.8").status_code
            for _ in range(4)
        ]
    finally:
        cache.clear()
    assert codes == [400, 400, 400, 429]
