"""API tokens (security review F5): expiring, idle-limited, rotated, revoked on logout and password change."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from branches.models import AuditEntry
from tests.world import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _token(username="secretary"):
    response = APIClient().post(reverse("api-token"), {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def _api(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_each_issue_hands_out_a_new_key_stored_only_as_a_digest(world):
    first, second = _token()["token"], _token()["token"]
    assert first != second
    assert not AuditEntry.objects.filter(after__token=first).exists()
    assert all(first not in row.digest for row in AuthToken.objects.all())


def test_a_token_dies_after_its_idle_limit_with_a_clear_message(world):
    key = _token()["token"]
    AuthToken.objects.filter(user=world.secretary).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    response = _api(key).get("/api/v1/organizations/")
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_use_extends_a_token_but_never_past_its_lifetime(world, settings):
    key = _token()["token"]
    row = AuthToken.objects.get(user=world.secretary)
    AuthToken.objects.filter(pk=row.pk).update(
        created=timezone.now() - settings.API_TOKEN_LIFETIME + datetime.timedelta(minutes=2),
        expiry=timezone.now() + datetime.timedelta(minutes=1),
    )
    assert _api(key).get("/api/v1/organizations/").status_code == 200
    row.refresh_from_db()
    assert row.expiry <= row.created + settings.API_TOKEN_LIFETIME
    AuthToken.objects.filter(pk=row.pk).update(expiry=row.created + settings.API_TOKEN_LIFETIME)
    AuthToken.objects.filter(pk=row.pk).update(created=timezone.now() - settings.API_TOKEN_LIFETIME)
    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert _api(key).get("/api/v1/organizations/").status_code == 401


def test_logging_out_of_the_browser_revokes_the_api_tokens(world):
    key = _token()["token"]
    browser = Client()
    browser.post(reverse("login"), {"username": "secretary", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    browser.post(reverse("logout"))
    assert _api(key).get("/api/v1/organizations/").status_code == 401
    assert AuditEntry.objects.filter(action="token.revoked_all", after__reason="logout").exists()


def test_a_password_change_revokes_the_api_tokens(world):
    key = _token()["token"]
    world.secretary.set_password("Another-pass-2026x")
    world.secretary.save()
    assert _api(key).get("/api/v1/organizations/").status_code == 401


def test_a_disabled_account_loses_its_tokens(world):
    key = _token()["token"]
    world.secretary.is_active = False
    world.secretary.save()
    assert not AuthToken.objects.filter(user=world.secretary).exists()
    assert _api(key).get("/api/v1/organizations/").status_code == 401


def test_delete_revokes_only_the_token_it_is_sent_with(world):
    first, second = _token()["token"], _token()["token"]
    assert _api(first).delete(reverse("api-token")).status_code == 204
    assert _api(first).get("/api/v1/organizations/").status_code == 401
    assert _api(second).get("/api/v1/organizations/").status_code == 200


def test_an_owner_lists_and_revokes_a_token_on_the_page(client_for, world):
    key = _token()["token"]
    page = client_for(world.secretary)
    listing = page.get(reverse("token-list"))
    assert listing.status_code == 200 and key[:8] in listing.content.decode()
    digest = AuthToken.objects.get(user=world.secretary).digest
    page.post(reverse("token-list"), {"digest": digest})
    assert _api(key).get("/api/v1/organizations/").status_code == 401
    assert AuditEntry.objects.filter(action="token.revoked", actor=world.secretary).exists()


def test_nobody_else_can_revoke_a_token_but_a_security_administrator(client_for, world):
    key = _token()["token"]
    digest = AuthToken.objects.get(user=world.secretary).digest
    assert client_for(world.outsider).post(reverse("token-list"), {"digest": digest}).status_code == 404
    assert _api(key).get("/api/v1/organizations/").status_code == 200
    secadmin = make_user("secadmin3")
    secadmin.groups.add(Group.objects.get(name="安全管理员"))
    admin_page = client_for(secadmin)
    assert key[:8] in admin_page.get(reverse("token-list") + "?all=1").content.decode()
    admin_page.post(reverse("token-list") + "?all=1", {"digest": digest})
    assert _api(key).get("/api/v1/organizations/").status_code == 401
