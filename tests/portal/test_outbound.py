"""Security finding F3: one outbound-URL gate for robots, messenger APIs and identity providers.

The validator is tested directly with a fake resolver (no DNS, no traffic). The few tests that
send do so only to a receiver on 127.0.0.1, through an explicit test-only allowance.
"""

import datetime
import json

import pytest

from branches.models import AuditEntry
from portal import outbound
from portal.models import Delivery, NotificationPreference
from portal.notifications.engine import run_sweep
from tests.portal.notify_helpers import at, due, provider
from tests.portal.receivers import Robot

MORNING = at(2026, 3, 2, 9, 0)

LOOPBACK_SPELLINGS = [
    "http://127.0.0.1/robot",
    "http://127.0.0.1:6379/",
    "http://127.1/",
    "http://127.000.000.001/",
    "http://0177.0.0.1/",
    "http://0x7f000001/",
    "http://0x7f.0.0.1/",
    "http://2130706433/",
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://api.localhost/",
    "http://localhost:5432/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://127.255.255.254/",
]
INTERNAL = [
    "http://10.0.0.1/",
    "http://10.1.2.3:8080/send",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://169.254.1.1/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://224.0.0.1/",
    "http://198.18.0.1/",
    "http://240.0.0.1/",
]
METADATA = [
    "http://169.254.169.254/latest/meta-data/",
    "http://0xa9fea9fe/",
    "http://2852039166/",
    "http://[::ffff:169.254.169.254]/",
    "http://100.100.100.200/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://metadata/",
]


def fake_dns(table):
    calls = []

    def resolve(host):
        calls.append(host)
        if host not in table:
            raise OSError("no such name")
        return table[host]

    resolve.calls = calls
    return resolve


PUBLIC_DNS = fake_dns({"oapi.dingtalk.com": ["203.119.206.75"], "qyapi.weixin.qq.com": ["101.91.40.36"]})


@pytest.fixture(autouse=True)
def plain_settings(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    settings.OUTBOUND_REQUIRE_HTTPS = False


@pytest.mark.parametrize("url", LOOPBACK_SPELLINGS + INTERNAL + METADATA)
def test_internal_addresses_in_any_spelling_are_refused(url):
    with pytest.raises(outbound.UnsafeURL):
        outbound.check_url(url, resolver=fake_dns({}))


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("robot.evil.example", "127.0.0.1"),
        ("robot.evil.example", "10.0.0.1"),
        ("robot.evil.example", "169.254.169.254"),
        ("robot.evil.example", "::1"),
        ("robot.evil.example", "fe80::1%eth0"),
        ("robot.evil.example", "::ffff:10.0.0.1"),
    ],
)
def test_a_name_resolving_to_an_internal_address_is_refused(name, address):
    with pytest.raises(outbound.UnsafeURL) as caught:
        outbound.check_url(f"https://{name}/send", resolver=fake_dns({name: [address]}))
    assert name in caught.value.messages[0]


def test_every_resolved_address_must_pass():
    dns = fake_dns({"mixed.example": ["203.0.113.9", "8.8.8.8", "127.0.0.1"]})
    with pytest.raises(outbound.UnsafeURL):
        outbound.check_url("https://mixed.example/", resolver=dns)


def test_public_robot_urls_pass_with_their_resolved_addresses():
    target = outbound.check_url("https://oapi.dingtalk.com/robot/send?access_token=abc", resolver=PUBLIC_DNS)
    assert (target.host, target.port, target.path) == ("oapi.dingtalk.com", 443, "/robot/send?access_token=abc")
    assert [str(a) for a in target.addresses] == ["203.119.206.75"]
    assert outbound.check_url("https://8.8.8.8/x").addresses[0].compressed == "8.8.8.8"


def test_an_unresolvable_name_is_refused_with_a_clear_message():
    with pytest.raises(outbound.UnsafeURL) as caught:
        outbound.check_url("https://nowhere.example/", resolver=fake_dns({}))
    assert "nowhere.example" in caught.value.messages[0]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "https://user:pass@oapi.dingtalk.com/",
        "https://oapi.dingtalk.com@127.0.0.1/",
        "https://oapi.dingtalk.com:99999/",
        "https:///robot",
        "https://exa mple.com/",
        "https://bad_host!.com/",
        "https://999.1.1.1/",
        "javascript:alert(1)",
        "",
    ],
)
def test_malformed_or_tricky_urls_are_refused(url):
    with pytest.raises(outbound.UnsafeURL):
        outbound.check_url(url, resolver=PUBLIC_DNS)


def test_https_is_required_in_production(settings):
    settings.OUTBOUND_REQUIRE_HTTPS = True
    with pytest.raises(outbound.UnsafeURL) as caught:
        outbound.check_url("http://oapi.dingtalk.com/robot/send", resolver=PUBLIC_DNS)
    assert "https" in caught.value.messages[0]
    assert outbound.check_url("https://oapi.dingtalk.com/robot/send", resolver=PUBLIC_DNS)


def test_an_allowed_intranet_network_passes_but_metadata_stays_refused(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["10.20.0.0/16", "169.254.0.0/16"]
    assert outbound.check_url("http://10.20.1.5/robot").addresses[0].compressed == "10.20.1.5"
    with pytest.raises(outbound.UnsafeURL):
        outbound.check_url("http://10.21.1.5/robot")
    with pytest.raises(outbound.UnsafeURL):
        outbound.check_url("http://169.254.169.254/")


def test_the_default_settings_refuse_loopback_and_production_requires_https():
    from django.conf import settings as live

    assert "localhost" in live.OUTBOUND_BLOCKED_NAMES
    assert "metadata.google.internal" in live.OUTBOUND_BLOCKED_NAMES


# --- Sending: only to a receiver on 127.0.0.1, through an explicit allowance ----------


@pytest.fixture
def receiver(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # test-only allowance
    settings.NOTIFY_BASE_URL = "https://djportal.example.gov.cn"
    robot = Robot()
    yield robot
    robot.stop()


def test_send_connects_to_the_checked_address_and_keeps_the_host_name(receiver):
    port = receiver.url.split(":")[2].split("/")[0]
    dns = fake_dns({"robot.example": ["127.0.0.1"]})
    reply = outbound.send("POST", f"http://robot.example:{port}/robot?k=1", json={"a": "中文"}, resolver=dns)
    assert reply.status == 200 and reply.data["errcode"] == 0
    assert dns.calls == ["robot.example"]  # resolved once; the connection used that answer
    assert receiver.headers[0]["Host"] == f"robot.example:{port}"
    assert receiver.paths == ["/robot?k=1"]
    assert receiver.bodies == [{"a": "中文"}]


def test_send_refuses_before_connecting_when_the_address_is_not_allowed(settings, receiver):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(outbound.UnsafeURL):
        outbound.send("POST", receiver.url, json={})
    assert receiver.bodies == []


def test_redirects_are_never_followed(receiver):
    receiver.answer = (302, b"", {"Location": receiver.url.replace("/robot", "/elsewhere")})
    with pytest.raises(outbound.SendError) as caught:
        outbound.send("POST", receiver.url, json={})
    assert "302" in str(caught.value)
    assert receiver.paths == ["/robot"]


@pytest.mark.django_db
def test_a_robot_answer_body_is_never_stored(world, receiver, settings):
    settings.NOTIFY_WEBHOOK_URL = receiver.url
    receiver.answer = (500, b'{"errcode": 1, "errmsg": "SECRET-REDIS-INFO"}', {"Content-Type": "application/json"})
    NotificationPreference.objects.create(user=world.secretary, email=False, webhook=True)
    with provider([due(world.secretary)]):
        run_sweep(MORNING, run_inline=True)
    delivery = Delivery.objects.get()
    assert delivery.state == "pending" and delivery.last_error == "HTTP 500"
    logged = json.dumps(list(AuditEntry.objects.values("before", "after")), default=str)
    assert "SECRET" not in logged


@pytest.mark.django_db
def test_a_refused_robot_address_fails_at_once_without_retries(world, settings):
    settings.NOTIFY_BASE_URL = "https://djportal.example.gov.cn"
    settings.NOTIFY_WEBHOOK_URL = "http://169.254.169.254/latest/meta-data/"
    NotificationPreference.objects.create(user=world.secretary, email=False, webhook=True)
    with provider([due(world.secretary)]):
        run_sweep(MORNING, run_inline=True)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert "169.254.169.254" in delivery.last_error
    assert delivery.next_attempt_at <= MORNING + datetime.timedelta(seconds=1)


# --- The personal robot form ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:6379/", "http://localhost:5432/", "http://[::1]/", "http://169.254.169.254/"]
)
def test_the_preferences_form_refuses_an_internal_robot_url_in_chinese(world, client_for, url):
    response = client_for(world.member).post(
        "/notifications/preferences/", {"digest_hour": "8", "webhook": "on", "webhook_url": url}
    )
    assert response.status_code == 200
    assert "该机器人地址不能使用" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=world.member).exists()


@pytest.mark.django_db
def test_the_preferences_service_refuses_it_too(world):
    from django.core.exceptions import ValidationError

    from portal.notifications.services import update_preferences

    with pytest.raises(ValidationError):
        update_preferences(actor=world.member, data={"webhook": True, "webhook_url": "http://2130706433/"})


# --- https: the connection goes to the checked address, the certificate is checked for the name ---


def _tls_receiver(tmp_path, name):
    import datetime as dt
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(self.headers.get("Host"))
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = b'{"errcode": 0}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, cert_path, seen


def test_https_is_pinned_to_the_checked_address_and_verifies_the_name(tmp_path, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # test-only allowance
    settings.OUTBOUND_REQUIRE_HTTPS = True
    server, cert_path, seen = _tls_receiver(tmp_path, "robot.example")
    settings.OUTBOUND_CA_BUNDLE = str(cert_path)
    port = server.server_address[1]
    try:
        dns = fake_dns({"robot.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
        reply = outbound.send("POST", f"https://robot.example:{port}/send", json={}, resolver=dns)
        assert reply.status == 200 and seen == [f"robot.example:{port}"]
        with pytest.raises(outbound.SendError):  # the certificate does not name other.example
            outbound.send("POST", f"https://other.example:{port}/send", json={}, resolver=dns)
        assert len(seen) == 1
    finally:
        server.shutdown()
        server.server_close()
