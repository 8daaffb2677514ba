#!/usr/bin/env python
"""``make bench [SCALE=city|province]``: the portal under gunicorn on PostgreSQL, measured on loopback.

1. Creates (or reuses) the PostgreSQL database ``portal_bench_<scale>`` (``BENCH_DATABASE_URL``
   overrides it), migrates it and loads ``seed_demo --scale <scale>`` when it is empty.
2. Counts the SQL queries of every target page with Django's test client (exact, per request).
3. Starts gunicorn on 127.0.0.1 with ``BENCH=1`` (which serves ``/bench/floor``, the framework
   floor: same middleware, session and login, no work), logs the demo personas in and measures
   each target with a small concurrent HTTP client (keep-alive, N requests, C at a time):
   p50 / p95 latency and requests per second, and p95 as a ratio of the floor's p95.
4. Times a full reminder sweep (``run_reminders``) and the card sweep, when those commands exist.
5. Runs the heavy jobs (``bench/jobs.py``), one process each: wall time and peak memory.
6. Runs a mixed load of the personas' common pages with Locust, headless, for ``--load-seconds``
   (``bench/locustfile.py``; skipped when Locust is not installed — ``make bench`` installs it).
7. Writes ``bench/report.json`` and prints a table.

Targets whose URL does not exist yet (an app not merged) are skipped and listed under ``skipped``.
Never part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
REPORT = ROOT / "bench" / "report.json"
PASSWORD = "Demo-2026-pass"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def database_url(scale: str) -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"postgres://postgres@127.0.0.1:5432/portal_bench_{scale}"


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            log(f"creating database {name}")
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def manage(env, *args, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=False, text=True, capture_output=True)
    if check and result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------- inside Django (this process)


def setup_django(env) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _try_reverse(names, kwargs_options):
    from django.urls import NoReverseMatch, reverse

    for name in names:
        for kwargs in kwargs_options:
            try:
                return reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
    return None


def _practice_path(name, root):
    path = _try_reverse([name], [{}])
    return f"{path}?org={root.pk}" if path else None


def _notice_targets(root) -> list[tuple]:
    """Issue 17: the statistics of the largest notice and the overview of the committee's collection."""
    try:
        from notices.models import MaterialRequest, Notice
    except ImportError:
        return []
    notice = Notice.objects.filter(status="published").order_by("-recipient_count").first()
    request = MaterialRequest.objects.filter(organization=root).order_by("-id").first()
    return [
        ("notice statistics (committee)", "committee", f"/notices/{notice.pk}/stats/" if notice else None),
        ("collection overview (committee)", "committee", f"/notices/collection/{request.pk}/" if request else None),
    ]


def _later_targets(root, branch_pk) -> list[tuple]:
    """Issue 22: the pages other issues added join the targets as they land."""
    from assessment.models import AssessmentCycle
    from branches.models import Member
    from supervision.accountability.models import ReviewRound

    member = Member.objects.filter(organization_id=branch_pk).order_by("pk").first() if branch_pk else None
    cycle = AssessmentCycle.objects.filter(root=root).order_by("-pk").first()
    review = ReviewRound.objects.filter(organization=root).order_by("-pk").first()
    return [
        ("member register (unit admin)", "unitadmin", _try_reverse(["branches:member_list"], [{}])),
        ("member register (committee)", "committee", _try_reverse(["branches:member_list"], [{}])),
        (
            "member detail (secretary)",
            "secretary",
            _try_reverse(["branches:member_detail"], [{"pk": member.pk}]) if member else None,
        ),
        ("supervision tasks (committee)", "committee", _try_reverse(["supervision:task_list"], [{}])),
        (
            "assessment cycle (committee)",
            "committee",
            _try_reverse(["assessment:cycle_detail"], [{"pk": cycle.pk}]) if cycle else None,
        ),
        ("review rounds (committee)", "committee", _try_reverse(["accountability:round_list"], [{}])),
        (
            "review round (committee)",
            "committee",
            _try_reverse(["accountability:round_detail"], [{"pk": review.pk}]) if review else None,
        ),
        ("notification inbox (member)", "member", _try_reverse(["notifications:list"], [{}])),
        # The committee's city-wide lists behind its menu (found slow by walking every menu page).
        ("organisation tree (committee)", "committee", _try_reverse(["branches:organization_list"], [{}])),
        (
            "meeting list (committee)",
            "committee",
            _try_reverse(["meetings:meeting_list"], [{}]),
        ),
        ("training overview (committee)", "committee", _try_reverse(["training:committee_overview"], [{}])),
        ("dues (committee)", "committee", _try_reverse(["dues:home"], [{}])),
    ]


def resolve_targets() -> tuple[list[dict], list[str]]:
    """(targets, skipped): each target {name, persona, path}."""
    from django.contrib.auth import get_user_model

    from branches.models import Organization, RoleGrant

    User = get_user_model()
    root = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    unit_admin = User.objects.get(username="unitadmin")
    unit_org = RoleGrant.objects.filter(user=unit_admin, role="unit_admin").select_related("organization").first()
    secretary = User.objects.get(username="secretary")
    branch = RoleGrant.objects.filter(user=secretary, role="secretary").select_related("organization").first()
    branch_pk = branch.organization_id if branch else None
    org_kwargs = [{}, {"pk": branch_pk}, {"org": branch_pk}, {"organization": branch_pk}, {"branch": branch_pk}]
    wanted = [
        # 我的待办: where every role starts (the landing page of secretaries and members).
        ("my to-do list (member)", "member", _try_reverse(["dashboards:todo"], [{}])),
        ("my to-do list (secretary)", "secretary", _try_reverse(["dashboards:todo"], [{}])),
        ("committee dashboard", "committee", _try_reverse(["dashboards:org"], [{"pk": root.pk}])),
        (
            "unit dashboard",
            "unitadmin",
            _try_reverse(["dashboards:org"], [{"pk": unit_org.organization_id}]) if unit_org else None,
        ),
        (
            "meeting list (secretary)",
            "secretary",
            _try_reverse(["meetings:meeting_list", "branches:meeting_list", "meetings:list"], org_kwargs),
        ),
        (
            "meeting form (secretary)",
            "secretary",
            _try_reverse(
                ["meetings:meeting_plan", "meetings:meeting_create", "branches:meeting_create", "meetings:create"],
                org_kwargs,
            ),
        ),
        (
            "study page (member)",
            "member",
            _try_reverse(
                ["training:my_study", "training:my_assignments", "training:assignment_list", "training:study"],
                [{}],
            ),
        ),
        (
            "compliance matrix (committee)",
            "committee",
            _try_reverse(
                ["meetings:compliance", "meetings:compliance_matrix", "branches:meeting_compliance"],
                [{}, {"pk": root.pk}],
            ),
        ),
        # Party building in practice: the lists the dashboard's practice figures open, city-wide.
        *(
            (f"practice {name} (committee)", "committee", _practice_path(url, root))
            for name, url in [
                ("pairing coverage", "practice:pairing_coverage"),
                ("joint activities", "practice:activity_list"),
                ("volunteer service", "practice:service_list"),
                ("deeds", "practice:deed_list"),
                ("deed completion", "practice:deed_completion"),
            ]
        ),
        ("API organizations (committee)", "committee", "/api/v1/organizations/"),
        ("API members (committee)", "committee", "/api/v1/members/"),
        ("API meetings (committee)", "committee", "/api/v1/meetings/"),
        ("API assignments (member)", "member", "/api/v1/assignments/"),
        ("API rectifications (committee)", "committee", "/api/v1/rectifications/"),
    ]
    wanted += _notice_targets(root)
    wanted += _later_targets(root, branch_pk)
    from django.urls import Resolver404, resolve

    targets, skipped = [], []
    for name, persona, path in wanted:
        if path is None:
            skipped.append(name)
            continue
        try:
            resolve(path.split("?")[0])
        except Resolver404:
            skipped.append(name)
            continue
        targets.append({"name": name, "persona": persona, "path": path})
    return targets, skipped


MENU_PERSONAS = ("committee", "unitadmin", "secretary", "member")


def _kept_view(path: str) -> bool:
    """Whether the page is kept per person (portal/pagecache.py) when the cache is on."""
    from django.conf import settings
    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(path).path).view_name in settings.PAGE_CACHE_VIEWS
    except Resolver404:
        return False


def walk_menus(repeat: int = 3) -> list[dict]:
    """Every page of each persona's side menu, one request at a time with Django's test client (median of
    ``repeat`` after a warm-up): the pages no target names show up here when they grow slow with the data
    (the committee's organisation tree took a second at ``city`` before anyone listed it as a target)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.navigation import items_for

    User = get_user_model()
    rows = []
    for persona in MENU_PERSONAS:
        user = User.objects.get(username=persona)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        device = second_factor_device(persona)
        if device is not None:
            from django_otp import DEVICE_ID_SESSION_KEY

            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        for item in items_for(user, "/"):
            path = item["href"]
            response = client.get(path)
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            queries = len(ctx.captured_queries)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            rows.append(
                {
                    "persona": persona,
                    "path": path,
                    "status": response.status_code,
                    "ms": round(times[len(times) // 2], 1),
                    "kb": round(len(response.content) / 1024, 1),
                    "queries": queries,
                }
            )
    return sorted(rows, key=lambda r: -r["ms"])


def count_queries(targets: list[dict]) -> None:
    """Exact query count per page (one warm request first), with Django's test client."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    User = get_user_model()
    clients = {}
    for t in targets:
        client = clients.get(t["persona"])
        if client is None:
            client = clients[t["persona"]] = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(username=t["persona"]))
            device = second_factor_device(t["persona"])
            if device is not None:  # the session a verified login would have
                from django_otp import DEVICE_ID_SESSION_KEY

                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
        from django.test import override_settings

        # The count of a page as rendered (a kept page costs the floor's few queries, whatever it shows).
        with override_settings(**{"PAGE_CACHE_SECONDS": 0, **t.get("settings", {})}):
            client.get(t["path"])
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(t["path"])
        t["status"] = response.status_code
        t["queries"] = len(ctx.captured_queries)


def check_figures() -> dict:
    """Every linked figure of the committee's and the unit admin's dashboards equals the list it opens
    (the same check as ``tests/portal/test_dashboard_figures.py``, here on this scale's data)."""
    sys.path.insert(0, str(ROOT))
    from django.contrib.auth import get_user_model
    from django.test import Client

    from branches.models import Organization
    from tests.conftest import pass_second_factor
    from tests.portal import test_dashboard_figures as figures

    def client(username):
        c = Client(HTTP_HOST="127.0.0.1")
        user = get_user_model().objects.get(username=username)
        c.force_login(user)
        pass_second_factor(c, user)
        return c

    root = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    committee, unit_admin = client("committee"), client("unitadmin")
    checked = {
        "committee dashboard": len(figures._check(committee, f"/dashboard/org/{root.pk}/")),
        "unit dashboard": len(figures._check(unit_admin, unit_admin.get("/dashboard/")["Location"])),
    }
    log(f"figures equal to their lists: {checked}")
    return checked


# ----------------------------------------------------------------- over HTTP (gunicorn)


def login_session(base: str, username: str):
    import requests

    s = requests.Session()
    page = s.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    r = s.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    if r.status_code != 302:
        raise SystemExit(f"login failed for {username}: HTTP {r.status_code}")
    code = second_factor_code(username)
    if code is not None:  # committee staff and inspectors verify a TOTP code, as in real use
        page = s.get(f"{base}/accounts/2fa/verify/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        r = s.post(
            f"{base}/accounts/2fa/verify/",
            data={"otp_token": code, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/2fa/verify/"},
            timeout=30,
            allow_redirects=False,
        )
        if r.status_code != 302:
            raise SystemExit(f"second factor failed for {username}: HTTP {r.status_code}")
    return s.cookies.get_dict()


def second_factor_device(username: str):
    """The bench persona's TOTP device (enrolled on first use), or None when no second factor applies."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.security import requires_second_factor

    user = get_user_model().objects.get(username=username)
    if not requires_second_factor(user):
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)


def second_factor_code(username: str) -> str | None:
    from django_otp.oath import totp

    device = second_factor_device(username)
    if device is None:
        return None
    type(device).objects.filter(pk=device.pk).update(last_t=-1)  # the same code may be used twice in 30 s
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def measure(base: str, path: str, cookies: dict, requests_n: int, concurrency: int, warmup: int = 5) -> dict:
    import requests

    local = threading.local()

    def session():
        s = getattr(local, "s", None)
        if s is None:
            s = local.s = requests.Session()
            s.cookies.update(cookies)
        return s

    def one(_i):
        s = session()
        started = time.perf_counter()
        r = s.get(base + path, timeout=120)
        elapsed = time.perf_counter() - started
        if r.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {r.status_code}")
        return elapsed

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(warmup)))
        started = time.perf_counter()
        times = list(pool.map(one, range(requests_n)))
        wall = time.perf_counter() - started
    times.sort()
    return {
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)] * 1000, 1),
        "rps": round(requests_n / wall, 1),
    }


def wait_for(base: str, proc, timeout=60) -> None:
    import requests

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early; see the log above")
        try:
            requests.get(base + "/accounts/login/", timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def time_command(env, names) -> tuple[str | None, float | None]:
    from django.core.management import get_commands

    available = get_commands()
    for name in names:
        if name in available:
            started = time.perf_counter()
            result = manage(env, name, check=False)
            elapsed = time.perf_counter() - started
            if result.returncode != 0:
                log(f"{name} failed: {result.stderr[-500:]}")
                return name, None
            return name, round(elapsed, 2)
    return None, None


def _redis_answers() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="city", choices=["small", "city", "province"])
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 100)))
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("BENCH_CONCURRENCY", 4)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", (os.cpu_count() or 2) + 1)))
    parser.add_argument("--reseed", action="store_true", help="drop and reload the demo data")
    parser.add_argument("--no-jobs", action="store_true", help="skip the heavy jobs")
    parser.add_argument("--load-users", type=int, default=int(os.environ.get("BENCH_LOAD_USERS", 50)))
    parser.add_argument("--load-seconds", type=int, default=int(os.environ.get("BENCH_LOAD_SECONDS", 180)))
    args = parser.parse_args()

    url = database_url(args.scale)
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        DEBUG="false",
        BENCH="true",
        SEED_DEMO_ALLOWED="true",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    env.setdefault("FIELD_ENCRYPTION_KEY", "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc=")
    if not env.get("REDIS_URL") and _redis_answers():
        # As in production: one cache for every gunicorn worker (the dashboards' page cache, the reminders
        # 我的待办 reads from the last sweep). Without Redis each worker keeps its own memory cache.
        env["REDIS_URL"] = "redis://127.0.0.1:6379/9"
    log(f"cache: {env.get('REDIS_URL') or 'per-process memory'}")
    if args.reseed:
        import psycopg2

        parts = urlsplit(url)
        conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
        conn.autocommit = True
        conn.cursor().execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')
        conn.close()
    ensure_database(url)
    log(f"migrating {url}")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0", check=False)
    seed = manage(env, "seed_demo", "--scale", args.scale, "--if-empty")
    seed_s = None
    match = re.search(r"ready in ([0-9.]+)s", seed.stdout)
    if match:
        seed_s = float(match.group(1))
        log(f"seeded {args.scale} in {seed_s}s")
        print(seed.stdout)
    else:
        log("reusing the demo data already in the database")
    # The cache (Redis db 9) is shared by every scale's database: figures kept from another database must not
    # be served (the restore step of docs/operations.md).
    manage(env, "forget_cached_figures")
    started = time.perf_counter()
    manage(env, "refresh_summaries")
    refresh_s = round(time.perf_counter() - started, 2)
    # One reminder sweep, as the worker runs every 15 minutes: 我的待办 reads the reminders it published.
    manage(env, "run_reminders")

    setup_django(env)
    targets, skipped = resolve_targets()
    # The dashboards serve their figures from a page cache between refreshes, and the pages in PAGE_CACHE_VIEWS
    # are kept per person while nothing they read changes (portal/pagecache.py): measure them also as rendered
    # (the first view after a refresh or a change), on a second server with both caches off.
    uncached = {"DASHBOARD_PAGE_CACHE_SECONDS": 0, "PAGE_CACHE_SECONDS": 0}
    targets += [
        {**t, "name": f"{t['name']} (computed, no page cache)", "settings": uncached}
        for t in targets
        if "dashboard" in t["name"] and t.get("path")
    ]
    computed_names = {t["name"].removesuffix(" (computed, no page cache)") for t in targets if t.get("settings")}
    targets += [
        {**t, "name": f"{t['name']} (rendered, not kept)", "settings": uncached}
        for t in targets
        if t.get("path") and not t.get("settings") and t["name"] not in computed_names and _kept_view(t["path"])
    ]
    count_queries(targets)
    figures_checked = check_figures()
    menu_walk = walk_menus()
    floor = {"name": "floor", "persona": "committee", "path": "/bench/floor"}

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = shutil.which("gunicorn", path=str(Path(PY).parent)) or "gunicorn"
    cmd = [gunicorn, "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "--log-level", "warning"]
    log(" ".join(cmd))
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        wait_for(base, proc)
        cookies = {p: login_session(base, p) for p in {t["persona"] for t in targets} | {"committee"}}
        floor_m = measure(base, floor["path"], cookies["committee"], args.requests, args.concurrency)
        log(f"floor p50 {floor_m['p50_ms']} ms, p95 {floor_m['p95_ms']} ms")
        results = []

        def measure_target(t):
            m = measure(base, t["path"], cookies[t["persona"]], args.requests, args.concurrency)
            ratio = round(m["p95_ms"] / floor_m["p95_ms"], 2) if floor_m["p95_ms"] else None
            results.append({"name": t["name"], **m, "queries": t["queries"], "floor_ratio_p95": ratio})
            log(f"{t['name']}: p50 {m['p50_ms']} ms, p95 {m['p95_ms']} ms, {m['rps']} rps, {t['queries']} queries")

        for t in targets:
            if t.get("settings"):
                continue
            if t.get("status") != 200:
                skipped.append(f"{t['name']} (HTTP {t.get('status')})")
                continue
            measure_target(t)
        load = None
        if args.load_seconds > 0:
            pages: dict[str, list[str]] = {}
            for t in targets:
                if t.get("status") == 200 and not t.get("settings"):
                    pages.setdefault(t["persona"], []).append(t["path"])
            load = run_load(base, cookies, pages, floor_m["p95_ms"], args.load_users, args.load_seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    computed = [t for t in targets if t.get("settings") and t.get("status") == 200]
    if computed:
        env_uncached = dict(env, **{k: str(v) for k, v in uncached.items()})
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env_uncached)
        try:
            wait_for(base, proc)
            for t in computed:  # sessions live in the database: the same cookies log in
                measure_target(t)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    _name, reminder_s = time_command(env, ["run_reminders"])
    _name, card_s = time_command(env, ["run_card_sweep", "sweep_cards", "card_sweep", "supervision_sweep"])
    jobs = [] if args.no_jobs else run_jobs(env)
    report = {
        "scale": args.scale,
        "host_load": host_load(),
        "floor": {"p50_ms": floor_m["p50_ms"], "p95_ms": floor_m["p95_ms"]},
        "targets": results,
        "reminder_sweep_s": reminder_s,
        "card_sweep_s": card_s,
        "jobs": jobs,
        "load": load,
        # extra context (not part of the contract's required keys)
        "seed_s": seed_s,
        "figures_checked": figures_checked,
        "menu_walk": menu_walk,
        "refresh_summaries_s": refresh_s,
        "skipped": skipped,
        "requests_per_target": args.requests,
        "concurrency": args.concurrency,
        "gunicorn_workers": args.workers,
    }
    REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print_table(report)
    log(f"wrote {REPORT}")


def host_load() -> dict:
    one, five, fifteen = os.getloadavg()
    return {"cores": os.cpu_count(), "load_1m": round(one, 2), "load_5m": round(five, 2), "load_15m": round(fifteen, 2)}


def run_jobs(env) -> list[dict]:
    """Each heavy job in its own process, so its peak memory is its own (bench/jobs.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from jobs import JOBS

    results = []
    for name in JOBS:
        proc = subprocess.run(
            [PY, str(ROOT / "bench" / "jobs.py"), name], cwd=ROOT, env=env, text=True, capture_output=True
        )
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        result = json.loads(lines[-1]) if lines else {"job": name, "error": proc.stderr[-500:]}
        over = [
            key
            for key, limit in result.get("budget", {}).items()
            if isinstance(result.get("peak_mb" if key == "peak_mb" else key), (int, float))
            and result["peak_mb" if key == "peak_mb" else key] > limit
        ]
        result["within_budget"] = not over and "error" not in result
        results.append(result)
        log(f"job {name}: {json.dumps({k: v for k, v in result.items() if k != 'budget'}, ensure_ascii=False)}")
    return results


def run_load(base: str, cookies: dict, pages: dict, floor_p95: float, users: int, seconds: int) -> dict | None:
    """A mixed load of the personas' common pages (bench/locustfile.py), headless, on loopback."""
    locust = os.environ.get("LOCUST") or shutil.which("locust")
    if locust is None:
        log("Locust is not installed: the load run is skipped (make bench installs it into .venv-bench)")
        return None
    out = ROOT / "var" / "bench-load"
    out.mkdir(parents=True, exist_ok=True)
    from django.urls import reverse

    common = [reverse("dashboards:todo")]
    personas = {
        persona: {"cookies": cookies[persona], "pages": ["/", *common, *paths]}
        for persona, paths in pages.items()
        if persona in cookies
    }
    (out / "sessions.json").write_text(json.dumps(personas))
    cmd = [
        locust, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", base,
        "-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{seconds}s",
        "--csv", str(out / "load"), "--only-summary", "--exit-code-on-error", "0",
    ]  # fmt: skip
    log(" ".join(cmd))
    env = dict(os.environ, BENCH_SESSIONS=str(out / "sessions.json"))
    subprocess.run(cmd, cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    import csv

    pages, total = [], None
    with open(out / "load_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            entry = {
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "rps": round(float(row["Requests/s"] or 0), 1),
            }
            entry["floor_ratio_p95"] = round(entry["p95_ms"] / floor_p95, 2) if floor_p95 else None
            if row["Name"] == "Aggregated":
                total = entry
            else:
                pages.append(entry)
    return {"users": users, "seconds": seconds, "total": total, "pages": pages}


def print_table(report: dict) -> None:
    print()
    print(f"Scale: {report['scale']}   floor p50 {report['floor']['p50_ms']} ms / p95 {report['floor']['p95_ms']} ms")
    header = f"{'target':48} {'p50 ms':>8} {'p95 ms':>8} {'rps':>7} {'queries':>8} {'p95/floor':>10}"
    print(header)
    print("-" * len(header))
    for t in report["targets"]:
        print(
            f"{t['name']:48} {t['p50_ms']:>8} {t['p95_ms']:>8} {t['rps']:>7} {t['queries']:>8} "
            f"{t['floor_ratio_p95']:>10}"
        )
    fmt = lambda v: "n/a (command not present)" if v is None else f"{v} s"  # noqa: E731
    print(f"reminder sweep: {fmt(report['reminder_sweep_s'])}   card sweep: {fmt(report['card_sweep_s'])}")
    for job in report.get("jobs") or []:
        shown = ", ".join(f"{k} {v}" for k, v in job.items() if k not in ("job", "budget", "within_budget"))
        print(f"job {job['job']:18} {'ok ' if job.get('within_budget') else 'OVER'} {shown}")
    load = report.get("load")
    if load and load.get("total"):
        t = load["total"]
        print(
            f"load: {load['users']} users for {load['seconds']} s: {t['rps']} req/s, p95 {t['p95_ms']} ms "
            f"({t['floor_ratio_p95']}x floor), {t['failures']} errors"
        )
    if report.get("menu_walk"):
        print("slowest menu pages (single request, in process):")
        for row in report["menu_walk"][:10]:
            shown = f"{row['ms']:>8} ms {row['kb']:>7} KB {row['queries']:>4} queries"
            print(f"  {row['persona']:10} {row['path']:32} {shown}")
    if report.get("skipped"):
        print("skipped (URL not present yet): " + ", ".join(report["skipped"]))


if __name__ == "__main__":
    main()
