"""企业微信 and 钉钉 web sign-in against local fakes of their APIs on 127.0.0.1 (test-only allowance).

The fakes answer like the platforms: a one-time code issued by their login page stands for one
member; they check the application's credentials and tokens. The QR page itself is the platform's
and is not faked: the test reads the state from the redirect and brings the code back as the
platform's page would.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from branches.models import AuditEntry, Member
from portal.models import ExternalIdentity

pytestmark = pytest.mark.django_db

# code → (userid, mobile, name), as the platform's login page would have issued
PEOPLE = {"code-zhangsan": ("zhangsan", "13800000001", "张三"), "code-stranger": ("stranger", "13900000009", "路人")}


class FakePlatformAPI:
    def __init__(self):
        self.calls = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, data, status=200):
                body = json.dumps(data, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _query(self):
                return {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}

            def do_GET(self):
                path, q = urlsplit(self.path).path, self._query()
                api.calls.append(path)
                if path == "/cgi-bin/gettoken":
                    if (q.get("corpid"), q.get("corpsecret")) != ("ww-corp", "wecom-secret"):
                        return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
                    return self._answer({"errcode": 0, "access_token": "WW-TOKEN", "expires_in": 7200})
                if path == "/gettoken":
                    if (q.get("appkey"), q.get("appsecret")) != ("ding-key", "ding-secret"):
                        return self._answer({"errcode": 40089, "errmsg": "invalid appkey"})
                    return self._answer({"errcode": 0, "access_token": "DING-APP-TOKEN", "expires_in": 7200})
                if path == "/cgi-bin/auth/getuserinfo":
                    if q.get("access_token") != "WW-TOKEN":
                        return self._answer({"errcode": 40014, "errmsg": "invalid access_token"})
                    person = PEOPLE.get(q.get("code", ""))
                    if person is None:
                        return self._answer({"errcode": 40029, "errmsg": "invalid code"})
                    return self._answer({"errcode": 0, "userid": person[0]})
                if path == "/cgi-bin/user/get":
                    found = [p for p in PEOPLE.values() if p[0] == q.get("userid")]
                    return self._answer(
                        {"errcode": 0, "userid": found[0][0], "mobile": found[0][1], "name": found[0][2]}
                    )
                if path == "/v1.0/contact/users/me":
                    person = PEOPLE.get(self.headers.get("x-acs-dingtalk-access-token", "").removeprefix("user-"))
                    if person is None:
                        return self._answer({"code": "InvalidAuthentication"}, 401)
                    return self._answer({"nick": person[2], "unionId": f"union-{person[0]}", "mobile": person[1]})
                self._answer({"errcode": 404}, 404)

            def do_POST(self):
                path, q = urlsplit(self.path).path, self._query()
                api.calls.append(path)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if path == "/v1.0/oauth2/userAccessToken":
                    good = (body.get("clientId"), body.get("clientSecret")) == ("ding-key", "ding-secret")
                    if not good or body.get("code") not in PEOPLE or body.get("grantType") != "authorization_code":
                        return self._answer({"code": "invalidCode"}, 400)
                    return self._answer({"accessToken": f"user-{body['code']}", "expireIn": 7200})
                if path == "/topapi/user/getbyunionid":
                    if q.get("access_token") != "DING-APP-TOKEN":
                        return self._answer({"errcode": 40014, "errmsg": "invalid access_token"})
                    userid = body.get("unionid", "").removeprefix("union-")
                    return self._answer({"errcode": 0, "result": {"userid": userid, "contact_type": 0}})
                self._answer({"errcode": 404}, 404)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def platforms(settings):
    api = FakePlatformAPI()
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # test-only allowance
    settings.SSO_WECOM = settings.SSO_DINGTALK = True
    settings.WECOM_API_BASE, settings.WECOM_CORP_ID = api.base, "ww-corp"
    settings.WECOM_SECRET, settings.WECOM_AGENT_ID = "wecom-secret", "1000002"
    settings.DINGTALK_API_BASE = settings.DINGTALK_NEW_API_BASE = api.base
    settings.DINGTALK_APP_KEY, settings.DINGTALK_APP_SECRET = "ding-key", "ding-secret"
    settings.SSO_MATCH_BY = "username"
    cache.clear()
    yield api
    api.stop()
    cache.clear()


def _start(client, platform, **headers):
    response = client.get(f"/accounts/sso/{platform}/login/", **headers)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    return target, {k: v[-1] for k, v in parse_qs(target.query).items()}


def test_wecom_qr_sign_in_stores_the_userid_work_notifications_use(platforms, world, client):
    world.member.username = "zhangsan"
    world.member.save()
    target, query = _start(client, "wecom")
    assert target.netloc == "login.work.weixin.qq.com" and query["appid"] == "ww-corp"
    assert query["redirect_uri"] == "http://testserver/accounts/sso/wecom/callback/"
    response = client.get("/accounts/sso/wecom/callback/", {"code": "code-zhangsan", "state": query["state"]})
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == world.member
    link = ExternalIdentity.objects.get(provider="wecom")
    assert (link.subject, link.user) == ("zhangsan", world.member)
    assert AuditEntry.objects.filter(action="login.succeeded").latest("id").after["method"] == "wecom"


def test_inside_the_wecom_app_the_silent_oauth_page_is_used(platforms, world, client):
    target, query = _start(client, "wecom", HTTP_USER_AGENT="Mozilla/5.0 wxwork/4.1.0 MicroMessenger/7.0.1")
    assert target.netloc == "open.weixin.qq.com" and query["scope"] == "snsapi_base"


def test_dingtalk_sign_in_matches_by_mobile_and_stores_the_userid(platforms, settings, world, client):
    settings.SSO_MATCH_BY = "mobile"
    record = Member.objects.get(user=world.member)
    record.phone = "+86 138-0000-0001"
    record.save()
    target, query = _start(client, "dingtalk")
    assert target.netloc == "login.dingtalk.com" and query["client_id"] == "ding-key"
    response = client.get("/accounts/sso/dingtalk/callback/", {"authCode": "code-zhangsan", "state": query["state"]})
    assert response.status_code == 302
    link = ExternalIdentity.objects.get(provider="dingtalk")
    assert (link.subject, link.user, link.matched_by) == ("zhangsan", world.member, "mobile")


def test_a_wrong_state_is_refused_before_any_api_call(platforms, world, client):
    _start(client, "wecom")
    response = client.get("/accounts/sso/wecom/callback/", {"code": "code-zhangsan", "state": "forged"})
    assert response.status_code == 403 and "统一身份认证" in response.content.decode()
    assert "/cgi-bin/auth/getuserinfo" not in platforms.calls
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_an_unknown_person_gets_the_message_and_no_account(platforms, world, client):
    _target, query = _start(client, "dingtalk")
    response = client.get("/accounts/sso/dingtalk/callback/", {"authCode": "code-stranger", "state": query["state"]})
    assert response.status_code == 403 and "没有与您对应的账号" in response.content.decode()
    assert not ExternalIdentity.objects.exists()


def test_a_bad_code_is_a_clear_failure_not_a_500(platforms, world, client):
    _target, query = _start(client, "wecom")
    response = client.get("/accounts/sso/wecom/callback/", {"code": "expired", "state": query["state"]})
    assert response.status_code == 403
    assert AuditEntry.objects.get(action="sso.failed").after["provider"] == "wecom"


def test_the_buttons_show_only_for_configured_platforms(platforms, settings, client):
    page = client.get("/accounts/login/").content.decode()
    assert "企业微信登录" in page and "钉钉登录" in page
    settings.SSO_DINGTALK = False
    page = client.get("/accounts/login/").content.decode()
    assert "企业微信登录" in page and "钉钉登录" not in page
    assert client.get("/accounts/sso/dingtalk/login/").status_code == 404
