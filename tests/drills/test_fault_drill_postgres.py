"""Fault drill: restart PostgreSQL while the portal serves writes.

Runs only when RUN_FAULT_DRILLS=1 or CI=true and DATABASE_URL is PostgreSQL, because
restarting the server disturbs anything else using it. Starts gunicorn against a
dedicated database, keeps issuing writes (token requests for distinct users: each
acknowledged request has written a token row and an audit entry), restarts
PostgreSQL, and checks: errors only for a few seconds, recovery without
restarting the portal (CONN_HEALTH_CHECKS), and no acknowledged write lost.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
import requests

pytestmark = [pytest.mark.services]
ROOT = Path(__file__).resolve().parents[2]
USERS = 600
MAX_ERROR_WINDOW_SECONDS = 15


def _enabled():
    return os.environ.get("RUN_FAULT_DRILLS") == "1" or os.environ.get("CI", "").lower() == "true"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _restart_postgres():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True, timeout=60)


SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
h = PBKDF2PasswordHasher()
U = get_user_model()
U.objects.bulk_create([U(username=f"drill{i}", password=h.encode("Drill-pass-2026", f"salt{i}", iterations=1000))
                       for i in range({n})])
"""


def test_restarting_postgres_under_write_load_loses_no_acknowledged_write(pg_url, tmp_path):
    if not _enabled():
        pytest.skip("set RUN_FAULT_DRILLS=1 (or CI=true) to restart PostgreSQL in this drill")
    if not Path("/etc/postgresql").is_dir():
        pytest.skip("no local PostgreSQL cluster to restart")
    parsed = urlparse(pg_url)
    drill_db = (parsed.path.strip("/") or "portal") + "_drill"
    drill_url = urlunparse(parsed._replace(path=f"/{drill_db}"))
    pg_env = {**os.environ, "PGHOST": parsed.hostname or "127.0.0.1", "PGUSER": parsed.username or "postgres"}
    subprocess.run(["dropdb", "--if-exists", drill_db], env=pg_env, check=True)
    subprocess.run(["createdb", drill_db], env=pg_env, check=True)
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}},
        "DATABASE_URL": drill_url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "drill-" + "x" * 50,
        "PORTAL_VAR_DIR": str(tmp_path),
        "API_THROTTLE_ANON": "1000000/minute",
        "LOGIN_FAILURE_LIMIT": "100000",
    }
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run(
        [py, "manage.py", "shell", "-c", SETUP.replace("{n}", str(USERS))], cwd=ROOT, env=env, check=True, timeout=120
    )
    port = _free_port()
    gunicorn = Path(py).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    results = []  # (time, username, status, token)
    lock = threading.Lock()
    counter = iter(range(USERS))
    stop = threading.Event()

    def worker():
        session = requests.Session()
        while not stop.is_set():
            with lock:
                i = next(counter, None)
            if i is None:
                return
            name = f"drill{i}"
            try:
                r = session.post(
                    f"{base}/api/v1/auth/token/", json={"username": name, "password": "Drill-pass-2026"}, timeout=20
                )
                token = r.json().get("token") if r.status_code == 200 else None
                status = r.status_code
            except (requests.RequestException, ValueError):
                token, status = None, 0
            with lock:
                results.append((time.monotonic(), name, status, token))
            time.sleep(0.05)

    try:
        for _ in range(60):
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code in (200, 503):
                    break
            except requests.RequestException:
                time.sleep(0.5)
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(3)
        restart_started = time.monotonic()
        _restart_postgres()
        restart_done = time.monotonic()
        time.sleep(8)
        stop.set()
        for t in threads:
            t.join(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)

    ok = [r for r in results if r[2] == 200]
    failed = [r for r in results if r[2] != 200]
    after = [r for r in ok if r[0] > restart_done + 1]
    assert ok and after, f"the portal recovered by itself after the restart ({len(results)} requests)"
    if failed:
        window = max(r[0] for r in failed) - min(r[0] for r in failed)
        assert window <= MAX_ERROR_WINDOW_SECONDS, f"errors lasted {window:.1f}s"
        assert min(r[0] for r in failed) >= restart_started - 1
    import psycopg2

    conn = psycopg2.connect(dbname=drill_db, host=parsed.hostname or "127.0.0.1", user=parsed.username or "postgres")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT token_key FROM knox_authtoken")
            stored = {row[0] for row in cur.fetchall()}
    finally:
        conn.close()
    lost = [r for r in ok if r[3][:15] not in stored]  # knox keeps the key's first 15 characters and a digest
    assert lost == [], f"{len(lost)} acknowledged writes lost"
    subprocess.run(["dropdb", "--if-exists", drill_db], env=pg_env, check=False)
    t0 = results[0][0] if results else 0
    print("drill timeline:", [(round(r[0] - t0, 1), r[2]) for r in results])
    print(f"restart at {restart_started - t0:.1f}s .. {restart_done - t0:.1f}s")
    print(f"drill: {len(ok)} acknowledged, {len(failed)} failed, restart took {restart_done - restart_started:.1f}s")
