"""Personal work notifications through a local 企业微信 / 钉钉 API on 127.0.0.1 (test-only allowance)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from portal.models import Delivery, ExternalIdentity, NotificationPreference
from portal.notifications.engine import run_sweep
from tests.portal.notify_helpers import at, due, provider

pytestmark = pytest.mark.django_db

MORNING = at(2026, 3, 2, 9, 0)


class MessengerAPI:
    """Answers gettoken and the send call like the platform does, checking credentials and the token."""

    def __init__(self, platform):
        self.tokens_issued, self.sent = 0, []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, data):
                body = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                good = (
                    query.get("corpid") == "ww-corp" and query.get("corpsecret") == "wecom-secret"
                    if platform == "wecom"
                    else query.get("appkey") == "ding-key" and query.get("appsecret") == "ding-secret"
                )
                if not parts.path.endswith("/gettoken") or not good:
                    return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
                api.tokens_issued += 1
                self._answer({"errcode": 0, "access_token": "TOKEN", "expires_in": 7200})

            def do_POST(self):
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                if query.get("access_token") != "TOKEN":
                    return self._answer({"errcode": 40014, "errmsg": "invalid access_token"})
                api.sent.append((parts.path, body))
                self._answer({"errcode": 0, "errmsg": "ok"})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def loopback(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # test-only allowance
    settings.OUTBOUND_REQUIRE_HTTPS = False
    settings.NOTIFY_BASE_URL = "https://djportal.example.gov.cn"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wecom(settings):
    api = MessengerAPI("wecom")
    settings.WECOM_API_BASE, settings.WECOM_CORP_ID = api.base, "ww-corp"
    settings.WECOM_SECRET, settings.WECOM_AGENT_ID = "wecom-secret", "1000002"
    yield api
    api.stop()


@pytest.fixture
def dingtalk(settings):
    api = MessengerAPI("dingtalk")
    settings.DINGTALK_API_BASE, settings.DINGTALK_APP_KEY = api.base, "ding-key"
    settings.DINGTALK_APP_SECRET, settings.DINGTALK_AGENT_ID = "ding-secret", "2000003"
    yield api
    api.stop()


def mapped(user, provider, subject):
    ExternalIdentity.objects.create(user=user, provider=provider, subject=subject, matched_by="employee_number")
    NotificationPreference.objects.create(user=user, email=False)


def test_the_digest_reaches_the_person_in_wecom_once_with_one_token(world, wecom):
    mapped(world.member, "wecom", "zhangsan")
    mapped(world.secretary, "wecom", "lisi")
    with provider([due(world.member, title="请参加三月主题党日"), due(world.secretary, object_id=2)]):
        run_sweep(MORNING, run_inline=True)
        run_sweep(MORNING, run_inline=True)
    assert wecom.tokens_issued == 1  # cached for the second message
    assert sorted(body["touser"] for _path, body in wecom.sent) == ["lisi", "zhangsan"]
    mine = next(body for _path, body in wecom.sent if body["touser"] == "zhangsan")
    assert mine["agentid"] == 1000002 and mine["enable_duplicate_check"] == 1
    assert "请参加三月主题党日" in mine["text"]["content"]
    assert "https://djportal.example.gov.cn/notifications/" in mine["text"]["content"]
    assert set(Delivery.objects.values_list("channel", "state")) == {("wecom_app", "sent")}


def test_dingtalk_work_notifications_use_the_mapped_userid(world, dingtalk):
    mapped(world.member, "dingtalk", "manager4711")
    with provider([due(world.member)]):
        run_sweep(MORNING, run_inline=True)
    [(path, body)] = dingtalk.sent
    assert path == "/topapi/message/corpconversation/asyncsend_v2"
    assert body["userid_list"] == "manager4711" and body["agent_id"] == "2000003"


def test_people_without_a_mapped_id_or_who_turned_it_off_get_no_work_notification(world, wecom):
    NotificationPreference.objects.create(user=world.secretary, email=False)
    ExternalIdentity.objects.create(user=world.member, provider="wecom", subject="zhangsan")
    NotificationPreference.objects.create(user=world.member, email=False, messenger=False)
    with provider([due(world.member), due(world.secretary, object_id=2)]):
        run_sweep(MORNING, run_inline=True)
    assert wecom.sent == [] and not Delivery.objects.exists()


def test_quiet_hours_hold_work_notifications_too(world, wecom):
    mapped(world.member, "wecom", "zhangsan")
    NotificationPreference.objects.filter(user=world.member).update(quiet_start=22, quiet_end=7, digest_hour=0)
    with provider([due(world.member, step="overdue", urgent=True)]):
        run_sweep(at(2026, 3, 2, 23, 0), run_inline=True)
        assert wecom.sent == []
        run_sweep(at(2026, 3, 3, 7, 0), run_inline=True)
    assert len(wecom.sent) == 1


def test_an_intranet_api_address_is_refused_unless_allowed(world, wecom, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    mapped(world.member, "wecom", "zhangsan")
    with provider([due(world.member)]):
        run_sweep(MORNING, run_inline=True)
    delivery = Delivery.objects.get()
    assert delivery.state == "failed" and "127.0.0.1" in delivery.last_error
    assert wecom.sent == []
