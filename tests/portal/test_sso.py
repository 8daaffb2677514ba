"""Single sign-on against a real identity provider on loopback (tests/sso/idp): OIDC and CAS."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model

from branches.models import AuditEntry, Member
from portal.models import ExternalIdentity
from tests.sso.fixtures import CLIENT_ID, CLIENT_SECRET, identity_provider  # noqa: F401 (fixture)
from tests.sso.helpers import path_of, sign_in_at_platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso(settings, identity_provider):  # noqa: F811
    settings.SSO_OIDC_ISSUER = identity_provider.oidc_issuer
    settings.SSO_OIDC_CLIENT_ID = CLIENT_ID
    settings.SSO_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_CAS_SERVER_URL = identity_provider.cas_url
    settings.SSO_MATCH_BY = "employee_number"
    settings.SSO_OIDC_MATCH_CLAIM = "employee_number"
    settings.SSO_CAS_MATCH_ATTRIBUTE = "employeeNumber"
    # The one explicit allowance that lets the outbound gate reach the test platform on loopback.
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    return identity_provider


def oidc_sign_in(client, username, next_url=""):
    start = client.get("/accounts/sso/oidc/login/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content[:300]
    callback = sign_in_at_platform(start["Location"], username)
    assert callback.startswith("http://testserver/accounts/sso/oidc/callback/")
    return client.get(path_of(callback))


def cas_sign_in(client, username):
    start = client.get("/accounts/sso/cas/login/")
    assert start.status_code == 302
    callback = sign_in_at_platform(start["Location"], username)
    assert callback.startswith("http://testserver/accounts/sso/cas/callback/?ticket=")
    return client.get(path_of(callback))


def test_oidc_sign_in_matches_by_employee_number_and_stores_the_link(sso, world, client):
    world.member.employee_number = "E1001"
    world.member.save()
    response = oidc_sign_in(client, "zhangsan", next_url="/me/")
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert client.get("/me/").wsgi_request.user == world.member
    link = ExternalIdentity.objects.get(provider="oidc")
    assert (link.user, link.matched_by) == (world.member, "employee_number")
    assert link.subject and link.subject != "E1001"  # the platform's own id (sub), not the key
    linked = AuditEntry.objects.get(action="sso.linked")
    assert linked.after["matched_by"] == "employee_number"
    login = AuditEntry.objects.filter(action="login.succeeded").latest("id")
    assert login.after["method"] == "oidc" and login.actor_id == world.member.pk


def test_the_stored_link_decides_the_second_time(sso, world, client):
    world.member.employee_number = "E1001"
    world.member.save()
    oidc_sign_in(client, "zhangsan")
    client.logout()
    world.member.employee_number = None  # the key changes; the stored link still finds the account
    world.member.save()
    response = oidc_sign_in(client, "zhangsan")
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == world.member
    assert ExternalIdentity.objects.count() == 1


def test_unmatched_platform_user_gets_a_chinese_message_and_no_account(sso, world, client):
    users_before = get_user_model().objects.count()
    response = oidc_sign_in(client, "wangwu")
    assert response.status_code == 403
    text = response.content.decode()
    assert "统一身份认证" in text and "工号" in text
    assert get_user_model().objects.count() == users_before
    assert not ExternalIdentity.objects.exists()
    refused = AuditEntry.objects.get(action="sso.refused")
    assert refused.after["reason"] == "no match"
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_unmatched_platform_user_gets_an_account_only_when_configured(sso, settings, world, client):
    settings.SSO_CREATE_ACCOUNTS = True
    response = oidc_sign_in(client, "wangwu")
    assert response.status_code == 302
    user = client.get("/").wsgi_request.user
    assert user.employee_number == "E9999" and not user.has_usable_password()
    assert ExternalIdentity.objects.get(user=user).matched_by == "created"
    assert AuditEntry.objects.filter(action="user.created_by_sso", object_id=str(user.pk)).exists()


def test_match_by_user_name(sso, settings, world, client):
    from tests.world import make_user

    settings.SSO_MATCH_BY = "username"
    settings.SSO_OIDC_MATCH_CLAIM = "preferred_username"
    person = make_user("zhangsan")
    assert oidc_sign_in(client, "zhangsan").status_code == 302
    assert ExternalIdentity.objects.get(provider="oidc").user == person


def test_platform_second_factor_counts_when_trusted(sso, settings, world, client):
    settings.SSO_TRUST_PLATFORM_MFA = True
    world.committee.employee_number = "E1002"  # lisi signs in with two factors at the platform
    world.committee.save()
    oidc_sign_in(client, "lisi")
    home = client.get("/", follow=True)
    assert home.status_code == 200 and "/accounts/2fa/" not in home.wsgi_request.path
    assert AuditEntry.objects.filter(action="login.succeeded").latest("id").after["platform_mfa"] is True


def test_portal_still_asks_its_second_factor_without_the_platform_claim(sso, settings, world, client):
    settings.SSO_TRUST_PLATFORM_MFA = True
    world.committee.employee_number = "E1001"  # zhangsan signs in with a password only
    world.committee.save()
    oidc_sign_in(client, "zhangsan")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")


def test_portal_asks_its_second_factor_when_the_platform_is_not_trusted(sso, settings, world, client):
    settings.SSO_TRUST_PLATFORM_MFA = False
    world.committee.employee_number = "E1002"
    world.committee.save()
    oidc_sign_in(client, "lisi")
    assert client.get("/")["Location"].startswith("/accounts/2fa/")


def test_oidc_sign_out_ends_the_portal_session_and_sends_the_browser_to_the_platform(sso, world, client):
    world.member.employee_number = "E1001"
    world.member.save()
    oidc_sign_in(client, "zhangsan")
    response = client.post("/accounts/logout/")
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{sso.oidc_issuer}/logout/"
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert AuditEntry.objects.filter(action="logout").latest("id").after["platform"] == "oidc"


def test_a_forged_callback_is_refused_with_a_message(sso, world, client):
    client.get("/accounts/sso/oidc/login/")
    response = client.get("/accounts/sso/oidc/callback/?code=forged&state=forged")
    assert response.status_code == 403
    assert "统一身份认证" in response.content.decode()
    assert AuditEntry.objects.filter(action="sso.failed").exists()


def test_the_platform_on_loopback_is_refused_without_the_explicit_setting(sso, settings, world, client):
    from portal.sso import oidc

    settings.OUTBOUND_ALLOWED_NETWORKS = []
    oidc._clients.clear()
    response = client.get("/accounts/sso/oidc/login/")
    assert response.status_code == 502
    assert "无法连接" in response.content.decode() or "统一身份认证" in response.content.decode()
    failed = AuditEntry.objects.get(action="sso.failed")
    assert "127.0.0.1" in failed.after["error"]


def test_cas_sign_in_matches_by_attribute_and_signs_out_at_the_server(sso, world, client):
    world.member.employee_number = "E1001"
    world.member.save()
    response = cas_sign_in(client, "zhangsan")
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == world.member
    link = ExternalIdentity.objects.get(provider="cas")
    assert (link.subject, link.matched_by) == ("zhangsan", "employee_number")
    logout = client.post("/accounts/logout/")
    assert logout["Location"].startswith(f"{sso.cas_url}logout?service=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F")
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_cas_matches_by_mobile_number_in_the_register(sso, settings, world, client):
    settings.SSO_MATCH_BY = "mobile"
    settings.SSO_CAS_MATCH_ATTRIBUTE = "mobile"
    record = Member.objects.get(user=world.member)
    record.phone = "138 0000 0001"
    record.save()
    assert cas_sign_in(client, "zhangsan").status_code == 302
    assert ExternalIdentity.objects.get(provider="cas").matched_by == "mobile"


def test_cas_single_sign_out_from_the_server_ends_the_portal_session(sso, world, client):
    world.member.employee_number = "E1001"
    world.member.save()
    start = client.get("/accounts/sso/cas/login/")
    callback = sign_in_at_platform(start["Location"], "zhangsan")
    ticket = parse_qs(urlsplit(callback).query)["ticket"][0]
    client.get(path_of(callback))
    assert client.get("/").wsgi_request.user.is_authenticated
    from django.test import Client

    server = Client()
    body = (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="1" Version="2.0" IssueInstant="2026-12-04T08:00:00Z">'
        f"<saml:NameID>zhangsan</saml:NameID><samlp:SessionIndex>{ticket}</samlp:SessionIndex></samlp:LogoutRequest>"
    )
    assert server.post("/accounts/sso/cas/callback/", {"logoutRequest": body}).status_code == 200
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_password_login_is_kept_only_for_the_roles_configured(sso, settings, world, client):
    from tests.world import PASSWORD

    settings.SSO_PASSWORD_LOGIN = ["unit_admin"]
    refused = client.post("/accounts/login/", {"username": world.member.username, "password": PASSWORD})
    assert refused.status_code == 200 and "统一身份认证登录" in refused.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated
    allowed = client.post("/accounts/login/", {"username": world.unit_admin.username, "password": PASSWORD})
    assert allowed.status_code == 302


def test_login_page_shows_the_platform_button_only_when_configured(settings, client, db):
    settings.SSO_OIDC_ISSUER = ""
    settings.SSO_CAS_SERVER_URL = ""
    assert "统一身份认证登录" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/sso/oidc/login/").status_code == 404
    settings.SSO_CAS_SERVER_URL = "https://cas.example.gov.cn/cas/"
    page = client.get("/accounts/login/")
    assert "统一身份认证登录" in page.content.decode()
    assert "https://cas.example.gov.cn" in page["Content-Security-Policy"].split("form-action", 1)[1]


def test_no_password_api_token_for_accounts_that_must_use_the_platform(settings, world, client):
    from tests.world import PASSWORD

    settings.SSO_CAS_SERVER_URL = "https://cas.example.gov.cn/cas/"
    settings.SSO_PASSWORD_LOGIN = ["none"]
    response = client.post("/api/v1/auth/token/", {"username": world.member.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "统一身份认证" in response.json()["detail"]
    settings.SSO_PASSWORD_LOGIN = ["all"]
    assert (
        client.post("/api/v1/auth/token/", {"username": world.member.username, "password": PASSWORD}).status_code == 200
    )


def test_the_mobile_index_is_kept_by_save_and_by_bulk_create(world):
    from branches.crypto import MobileIndexField
    from branches.models import MemberCategory

    made = Member.objects.bulk_create(
        [Member(organization=world.branch_a1, name="甲", phone="0086 138-0000-0077", category=MemberCategory.APPLICANT)]
    )[0]
    assert Member.objects.get(pk=made.pk).phone_hash == MobileIndexField.digest("13800000077")
    made.phone = ""
    made.save()
    assert Member.objects.get(pk=made.pk).phone_hash == ""
    assert "13800000077" not in MobileIndexField.digest("13800000077")  # a digest, never the number
