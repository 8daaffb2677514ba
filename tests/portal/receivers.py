"""Real local receivers for the channel tests: an SMTP server and an HTTP robot."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


class MailBox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp():
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, box


class Robot:
    """An HTTP receiver that records JSON bodies; ``fail_next`` answers 500 that many times."""

    def __init__(self):
        self.bodies = []
        self.headers = []
        self.paths = []
        self.answer = None  # (status, body bytes, extra headers) to answer every request with
        self.fail_next = 0
        self.delay = 0.0
        self.lock = threading.Lock()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                robot.headers.append(dict(self.headers))
                robot.paths.append(self.path)
                if robot.answer is not None:
                    status, content, extra = robot.answer
                    robot.bodies.append(body)
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                    return
                if robot.delay:
                    time.sleep(robot.delay)
                with robot.lock:
                    failing = robot.fail_next > 0
                    if failing:
                        robot.fail_next -= 1
                    else:
                        robot.bodies.append(body)
                self.send_response(500 if failing else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"errcode": 1 if failing else 0, "errmsg": "ok"}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class PlatformRobot:
    """A local 钉钉 / 企业微信 group robot that checks what the real ones check.

    钉钉: the ``timestamp`` (within an hour) and ``sign`` (HMAC-SHA256 of "timestamp\\nsecret",
    base64, URL-encoded) in the query, the keyword in the text. 企业微信: the ``key`` in the query,
    ``{"msgtype": "text", "text": {"content": ...}}``. Both: the text under ``limit`` bytes.
    Accepted texts are in ``messages``; refusals in ``refused`` as (errcode, reason).
    """

    def __init__(self, platform: str, *, secret: str = "", keyword: str = "", limit: int = 2048):
        import base64
        import hashlib
        import hmac
        from urllib.parse import parse_qs, urlsplit

        self.messages, self.refused, self.raw = [], [], []
        robot = self

        def check(path, body):
            query = {k: v[-1] for k, v in parse_qs(urlsplit(path).query).items()}
            if body.get("msgtype") != "text" or not isinstance(body.get("text", {}).get("content"), str):
                return 40008, "bad payload"
            content = body["text"]["content"]
            if len(content.encode("utf-8")) > limit:
                return 40058, "too long"
            if platform == "wecom":
                return (0, "") if query.get("key") == "wecom-key" else (93000, "bad key")
            if query.get("access_token") != "ding-token":
                return 300001, "bad token"
            if secret:
                try:
                    stamp = int(query["timestamp"])
                except (KeyError, ValueError):
                    return 310000, "no timestamp"
                if abs(time.time() * 1000 - stamp) > 3600 * 1000:
                    return 310000, "timestamp too old"
                digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
                if query.get("sign") != base64.b64encode(digest).decode():
                    return 310000, "bad sign"
            if keyword and keyword not in content:
                return 310000, "keyword missing"
            return 0, ""

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                robot.raw.append(body)
                code, reason = check(self.path, body)
                if code:
                    robot.refused.append((code, reason))
                else:
                    robot.messages.append(body["text"]["content"])
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"errcode": code, "errmsg": reason or "ok"}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_address[1]
        if platform == "wecom":
            self.url = f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=wecom-key"
        else:
            self.url = f"http://127.0.0.1:{port}/robot/send?access_token=ding-token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
