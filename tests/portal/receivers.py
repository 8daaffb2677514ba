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
