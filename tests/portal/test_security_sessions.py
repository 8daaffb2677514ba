"""Idle timeout, "my sessions", and ending sessions of disabled accounts."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import UserSession

pytestmark = pytest.mark.django_db


def test_a_session_idle_for_more_than_thirty_minutes_is_ended(client_for, world):
    c = client_for(world.secretary)
    session = c.session
    session["last_activity"] = time.time() - 31 * 60
    session.save()
    response = c.get(reverse("me"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert c.get(reverse("me")).status_code == 302
    assert not UserSession.objects.filter(session_key=session.session_key).exists()


def test_a_session_active_a_few_minutes_ago_stays_open(client_for, world):
    c = client_for(world.secretary)
    session = c.session
    session["last_activity"] = time.time() - 10 * 60
    session.save()
    assert c.get(reverse("me")).status_code == 200


def test_the_absolute_limit_counts_from_login_and_does_not_slide_with_activity(client_for, world, settings):
    """Security review F9."""
    c = client_for(world.secretary)
    session = c.session
    session["login_at"] = time.time() - settings.SESSION_COOKIE_AGE - 60
    session["last_activity"] = time.time() - 30  # active a moment ago
    session.save()
    response = c.get(reverse("me"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert c.get(reverse("me")).status_code == 302


def test_a_session_within_its_absolute_limit_stays_open(client_for, world, settings):
    c = client_for(world.secretary)
    session = c.session
    session["login_at"] = time.time() - settings.SESSION_COOKIE_AGE + 600
    session.save()
    assert c.get(reverse("me")).status_code == 200


def test_my_sessions_lists_each_browser_and_ends_another_one(client_for, world):
    mine, other = client_for(world.secretary), client_for(world.secretary)
    page = mine.get(reverse("session-list"))
    assert len(page.context["sessions"]) == 2
    other_row = UserSession.objects.get(session_key=other.session.session_key)
    assert mine.post(reverse("session-end", args=[other_row.pk])).status_code == 302
    assert other.get(reverse("me")).status_code == 302
    assert mine.get(reverse("me")).status_code == 200


def test_nobody_can_end_someone_elses_session(client_for, world):
    victim = client_for(world.member)
    row = UserSession.objects.get(session_key=victim.session.session_key)
    assert client_for(world.outsider).post(reverse("session-end", args=[row.pk])).status_code == 404
    assert victim.get(reverse("me")).status_code == 200


def test_disabling_an_account_ends_its_sessions(client_for, world):
    c = client_for(world.member)
    world.member.is_active = False
    world.member.save()
    assert c.get(reverse("me")).status_code == 302
    assert not UserSession.objects.filter(user=world.member).exists()


def test_the_session_list_page_needs_a_login():
    assert Client().get(reverse("session-list")).status_code == 302


def test_sessions_show_a_readable_browser_and_system_name():
    row = UserSession(
        user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120 Safari/537.36"
    )
    assert row.device_label == "Chrome · Windows"
    assert UserSession(user_agent="").device_label == ""


def test_an_audit_retention_below_six_months_stops_the_program_at_start():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "AUDIT_RETENTION_MONTHS": "3", "SECRET_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "AUDIT_RETENTION_MONTHS" in result.stderr
