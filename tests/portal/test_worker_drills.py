"""Fault drills with a REAL Celery worker and beat against Redis and PostgreSQL.

Skipped unless REDIS_URL and a PostgreSQL DATABASE_URL are set. Each drill uses its own
PostgreSQL database (created here, migrated, dropped after), so the worker subprocess
sees committed data. The webhook channel posts to a local HTTP receiver in this process.

Guarantees checked: every reminder ends in exactly one notification; every delivery row is
sent exactly once; the robot receives every notification. An external POST that was in
flight when the worker was SIGKILLed may reach the robot a second time (the lease expires
and the claim is taken over): the drill allows at most one such repeat per kill and
reports it. Nothing is lost.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.portal.receivers import Robot

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not (REDIS_URL and DATABASE_URL.startswith(("postgres://", "postgresql://"))),
        reason="needs REDIS_URL and a PostgreSQL DATABASE_URL",
    ),
]

PEOPLE = 120


def _admin(query):
    conn = _admin_connection()
    try:
        with conn.cursor() as cursor:
            cursor.execute(query)
    finally:
        conn.close()


def _admin_connection():
    import psycopg2

    url = urlparse(DATABASE_URL)
    conn = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, password=url.password, dbname="postgres"
    )
    conn.autocommit = True
    return conn


class Drill:
    def __init__(self, tmp_path, robot):
        self.name = f"portal_drill_{uuid.uuid4().hex[:8]}"
        url = urlparse(DATABASE_URL)
        self.db_url = url._replace(path=f"/{self.name}").geturl()
        self.tmp = tmp_path
        self.robot = robot
        self.procs = []
        self.env = {
            **os.environ,
            "DATABASE_URL": self.db_url,
            "REDIS_URL": REDIS_URL,
            "PORTAL_VAR_DIR": str(tmp_path),
            "NOTIFY_WEBHOOK_URL": robot.url,
            # Test-only allowance: the robot listens on loopback.
            "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32",
            "OUTBOUND_REQUIRE_HTTPS": "false",
            "NOTIFY_BASE_URL": "https://djportal.example.gov.cn",
            # The drill checks exactly-once delivery of 120 messages to one robot, not its rate limit.
            "NOTIFY_RATE_LIMITS": "webhook=0",
            "REMINDER_SWEEP_SECONDS": "2",
            "NOTIFY_DISPATCH_SECONDS": "2",
            "NOTIFY_DELIVERY_LEASE_SECONDS": "3",
            "NOTIFY_CHUNK_SIZE": "20",
            "CELERY_VISIBILITY_TIMEOUT": "60",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "drill"),
            "PYTHONUNBUFFERED": "1",
        }
        # The worker runs without DEBUG: give it the (demo) national-cryptography keys explicitly.
        from django.conf import settings

        for name in ("FIELD_SM4_KEYS", "BLIND_INDEX_KEY", "INTEGRITY_KEYS"):
            self.env.setdefault(name, getattr(settings, f"DEMO_{name}"))

    def sql(self, query):
        import psycopg2

        conn = psycopg2.connect(self.db_url)
        try:
            with conn.cursor() as cursor:
                cursor.execute(query)
                return cursor.fetchall() if cursor.description else None
        finally:
            conn.close()

    def manage(self, *args, code=None):
        cmd = [sys.executable, "manage.py", *args] if code is None else [sys.executable, "-c", code]
        subprocess.run(cmd, cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=120)

    def setup(self):
        _admin(f'CREATE DATABASE "{self.name}"')
        self.manage("migrate", "--noinput")
        # Everyone gets the webhook, at any hour, no quiet hours; each person has one reminder due.
        self.manage(
            code=(
                "import django; django.setup();"
                "from django.utils import timezone;"
                "from portal.models import User, Reminder, NotificationPreference;"
                "NotificationPreference.objects.filter(is_default=True).update("
                "email=False, webhook=True, digest_hour=0, quiet_start=None, quiet_end=None);"
                f"users = User.objects.bulk_create([User(username=f'drill{{i}}') for i in range({PEOPLE})]);"
                "now = timezone.now();"
                "Reminder.objects.bulk_create([Reminder(kind='drill.deadline', object_type='drill', object_id=u.pk,"
                " step='T-1', recipient=u, due_at=now, title=f'演练提醒 {u.pk}', created_at=now) for u in users])"
            )
        )
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()

    def start_worker(self, beat=True, name="w"):
        log_path = self.tmp / f"worker-{name}-{len(self.procs)}.log"
        cmd = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO"]
        if beat:
            cmd += ["-B", "-s", str(self.tmp / "beat-schedule")]
        with open(log_path, "w") as log:
            # Own process group: the embedded beat is a child process and must die with the worker.
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.procs.append(proc)
        return proc

    def stop_all(self):
        for proc in self.procs:
            self.signal_group(proc, signal.SIGTERM)
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=15)
            self.signal_group(proc, signal.SIGKILL)
            proc.wait()

    @staticmethod
    def signal_group(proc, sig):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)

    def teardown(self):
        self.stop_all()
        _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def wait_for(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        logs = "\n".join(p.read_text()[-3000:] for p in self.tmp.glob("worker-*.log"))
        raise AssertionError(f"timed out waiting for {what}\n{logs}")

    def sent_count(self):
        return self.sql("SELECT count(*) FROM portal_delivery WHERE state = 'sent'")[0][0]

    def assert_exactly_once(self, allowed_repeats=0):
        unattached = self.sql("SELECT count(*) FROM portal_reminder WHERE notification_id IS NULL")[0][0]
        assert unattached == 0
        per_person = self.sql("SELECT count(*) FROM portal_notification GROUP BY recipient_id HAVING count(*) > 1")
        assert per_person == [], "someone got more than one digest"
        states = dict(self.sql("SELECT state, count(*) FROM portal_delivery GROUP BY state"))
        assert states == {"sent": PEOPLE}, states
        ids = [b["notification_id"] for b in self.robot.bodies]
        notifications = {r[0] for r in self.sql("SELECT id FROM portal_notification")}
        assert set(ids) == notifications, "the robot missed a notification"
        repeats = sum(c - 1 for c in Counter(ids).values())
        assert repeats <= allowed_repeats, f"{repeats} repeated posts"
        return repeats


@pytest.fixture
def drill(tmp_path):
    robot = Robot()
    robot.delay = 0.0
    d = Drill(tmp_path, robot)
    d.setup()
    try:
        yield d
    finally:
        d.teardown()
        robot.stop()


def test_beat_triggers_a_sweep_and_everyone_gets_exactly_one_digest(drill):
    drill.start_worker(beat=True)
    drill.wait_for(
        lambda: drill.sql("SELECT count(*) FROM portal_portalstate WHERE key = 'reminder_sweep'")[0][0] == 1,
        40,
        "beat to trigger a sweep",
    )
    drill.wait_for(lambda: drill.sent_count() == PEOPLE, 60, "every delivery")
    time.sleep(3)  # another beat: nothing more may go out
    drill.assert_exactly_once()


def test_a_worker_killed_mid_batch_restarts_and_delivers_every_reminder_once(drill):
    drill.robot.delay = 0.03  # a slow robot, so the kill lands in the middle of the batch
    worker = drill.start_worker(beat=True, name="victim")
    drill.wait_for(lambda: len(drill.robot.bodies) >= PEOPLE // 4, 60, "a quarter of the batch")
    drill.signal_group(worker, signal.SIGKILL)
    worker.wait()
    sent_before = drill.sent_count()
    assert sent_before < PEOPLE, "the kill came too late to test anything"
    drill.start_worker(beat=True, name="restarted")
    drill.wait_for(lambda: drill.sent_count() == PEOPLE, 90, "every delivery after the restart")
    time.sleep(3)
    drill.assert_exactly_once(allowed_repeats=1)


def test_restarting_redis_mid_run_loses_nothing(drill):
    drill.robot.delay = 0.03
    drill.start_worker(beat=True)
    drill.wait_for(lambda: len(drill.robot.bodies) >= PEOPLE // 4, 60, "a quarter of the batch")
    port = urlparse(REDIS_URL).port or 6379
    assert urlparse(REDIS_URL).hostname in ("127.0.0.1", "localhost") and port == 6379
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], check=False, timeout=10)
    time.sleep(1)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
        timeout=10,
    )
    drill.wait_for(lambda: drill.sent_count() == PEOPLE, 120, "every delivery after Redis came back")
    time.sleep(3)
    drill.assert_exactly_once()
