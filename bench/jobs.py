#!/usr/bin/env python
"""The heavy jobs people run, one per process: ``python bench/jobs.py <job>`` prints one JSON line.

``bench/run.py`` calls it once per job against the benchmark database (its environment), so each
job's peak memory (``ru_maxrss`` of a fresh process) is its own. Every job leaves the data as it
found it: writes run inside a transaction that is rolled back, or are removed afterwards.

Jobs and their budgets (issue 22; the budgets live here and in the report, never in a test):

- ``register_export``: the whole register the committee sees, as Excel, through the page.
- ``roster_dry_run`` / ``roster_apply``: a 5,000-row roster import checked, then applied in one
  transaction (rolled back).
- ``minutes_docx``: Word minutes of a meeting with 50 attendees.
- ``annual_summary``: the committee's annual summary (年度总结) as Word; ``annual_ledger``: its
  annual 组织生活台账 (every meeting of the year) as Excel.
- ``notice_publish``: a notice to every member: the publishing request, then the worker's
  announcement that puts it in every recipient's inbox.
- ``reminder_sweep``: the reminder sweep, twice; the second run must create nothing.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BUDGETS = {
    "register_export": {"seconds": 20, "peak_mb": 256},
    "roster_dry_run": {"seconds": 30, "peak_mb": 512},
    "roster_apply": {"seconds": 60},
    "minutes_docx": {"seconds": 1},
    "annual_summary": {"seconds": 10},
    "annual_ledger": {"seconds": 10},
    "notice_publish": {"seconds": 1, "visible_seconds": 60},
    "reminder_sweep": {"seconds": 60},
}
ROSTER_ROWS = 5000


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ``ru_maxrss``: Linux carries that over from
    the parent across ``exec``, so every job would report the benchmark driver's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Rollback(Exception):
    pass


def client_for(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    sys.path.insert(0, str(ROOT / "bench"))
    from run import second_factor_device

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    device = second_factor_device(username)
    if device is not None:
        from django_otp import DEVICE_ID_SESSION_KEY

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def committee():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="committee")


def root_org():
    from branches.models import Organization

    return Organization.objects.filter(parent__isnull=True).order_by("path").first()


def timed(fn):
    started = time.perf_counter()
    detail = fn() or {}
    return {"seconds": round(time.perf_counter() - started, 3), **detail}


# ------------------------------------------------------------------------------------------ jobs


def register_export() -> dict:
    from django.urls import reverse

    client = client_for("committee")
    url = reverse("branches:member_export")

    def run():
        response = client.get(url, {"download": "1"})
        assert response.status_code == 200, response.status_code
        return {"bytes": len(response.content)}

    result = timed(run)
    from branches.models import AuditEntry

    entry = AuditEntry.objects.filter(action__startswith="member.export").order_by("-pk").first()
    result["rows"] = (entry.after or {}).get("rows") if entry else None
    return result


def roster_workbook(actor, rows: int) -> bytes:
    """A roster of ``rows`` new people spread over the branches the actor may fill."""
    import datetime
    import io

    from openpyxl import Workbook

    from branches import idnumbers
    from branches.models import OrganizationKind
    from branches.register import excel
    from branches.roster.checking import CATEGORY_LABEL, org_index

    branches = [o for o in excel.importable_orgs(actor) if o.kind == OrganizationKind.BRANCH]
    labels = {o.pk: label for label, o in org_index(branches).items() if "/" in label}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员信息")
    ws.append([header for header, _field, _required in excel.COLUMNS])
    fields = [field for _h, field, _r in excel.COLUMNS]
    start = datetime.date(1960, 1, 1)
    for i in range(rows):
        birth = start + datetime.timedelta(days=(i * 7) % 9000)  # all of age when they joined in 2005
        values = {
            "name": f"压测{i:05d}",
            "id_number": idnumbers.make(f"990101{birth:%Y%m%d}{i % 1000:03d}"),
            "organization": labels[branches[i % len(branches)].pk],
            "category": CATEGORY_LABEL["full"],
            "birth_date": birth,
            "phone": f"139{i:08d}",
            "join_date": datetime.date(2005, 7, 1),
            "full_date": datetime.date(2006, 7, 1),
        }
        ws.append([values.get(field, "") for field in fields])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def roster_dry_run() -> dict:
    from branches.register import excel

    actor = committee()
    content = roster_workbook(actor, ROSTER_ROWS)

    def run():
        preview = excel.dry_run(actor, content)
        return {"rows": len(preview.results), "bad": len(preview.problems)}

    return timed(run)


def roster_apply() -> dict:
    from django.db import transaction

    from branches.register import excel

    actor = committee()
    content = roster_workbook(actor, ROSTER_ROWS)
    outcome = {}
    try:
        with transaction.atomic():
            outcome = timed(lambda: {"added": len(excel.import_members(actor=actor, content=content, confirmed=True))})
            raise Rollback
    except Rollback:
        pass
    return outcome


def minutes_docx() -> dict:
    from django.db import transaction
    from django.db.models import Count
    from django.urls import reverse

    from branches.models import Meeting

    meeting = (
        Meeting.objects.filter(status="submitted")
        .annotate(n=Count("attendances"))
        .filter(n__gte=50)
        .order_by("-n")
        .first()
    )
    outcome = {}
    try:
        with transaction.atomic():
            if meeting is None:
                meeting = with_attendees(50)
            client = client_for("committee")
            url = reverse("meetings:minutes_docx", args=[meeting.pk])
            client.get(url)  # warm: templates and fonts loaded once per process

            def run():
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                return {"bytes": len(response.content), "attendees": meeting.attendances.count()}

            outcome = timed(run)
            raise Rollback
    except Rollback:
        pass
    return outcome


def with_attendees(n: int):
    """The largest submitted meeting, topped up to ``n`` attendees (inside the caller's rollback)."""
    from django.db.models import Count

    from branches.models import Attendance, Meeting, Member

    meeting = Meeting.objects.filter(status="submitted").annotate(k=Count("attendances")).order_by("-k").first()
    taken = set(meeting.attendances.values_list("member_id", flat=True))
    extra = Member.objects.exclude(pk__in=taken).values_list("pk", flat=True)[: max(0, n - len(taken))]
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member_id=pk, status="present") for pk in extra])
    return meeting


def annual_summary() -> dict:
    """The committee's annual party-building summary (年度总结) as a Word document."""
    from django.urls import reverse
    from django.utils import timezone

    client = client_for("committee")
    url = reverse("dashboards:annual_docx", kwargs={"pk": root_org().pk})
    year = timezone.localdate().year

    def run():
        response = client.get(url, {"year": year})
        assert response.status_code == 200, response.status_code
        return {"bytes": len(response.content), "year": year}

    return timed(run)


def annual_ledger() -> dict:
    """The committee's annual 组织生活台账 (every meeting of the year) as Excel."""
    from django.urls import reverse
    from django.utils import timezone

    client = client_for("committee")
    url = reverse("meetings:ledger", kwargs={"org": root_org().pk})
    year = timezone.localdate().year

    def run():
        response = client.get(url, {"year": year})
        assert response.status_code == 200, response.status_code
        return {"bytes": len(response.content), "year": year}

    return timed(run)


BENCH_ACCOUNT = "bench-m-"


def _accounts_for_every_member() -> int:
    """The demo gives accounts to its personas only; a committee going live gives one to every member. For the
    fan-out to reach the whole register, the party members without one get a temporary account (removed after
    the job: ``_remove_bench_accounts``). Returns how many were made."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from branches.models import Member
    from portal.models import User

    ids = list(Member.objects.party_members().filter(user__isnull=True).values_list("pk", flat=True))
    password = make_password(None)
    User.objects.bulk_create(
        [User(username=f"{BENCH_ACCOUNT}{pk}", password=password, is_active=True) for pk in ids], batch_size=2000
    )
    member, user = Member._meta.db_table, User._meta.db_table
    with connection.cursor() as cursor:  # one statement: link each member to the account named after it
        cursor.execute(
            f"UPDATE {member} SET user_id = u.id FROM {user} u "  # noqa: S608  # nosec B608 (table names)
            f"WHERE u.username = %s || {member}.id AND {member}.user_id IS NULL",
            [BENCH_ACCOUNT],
        )
    return len(ids)


def _remove_bench_accounts() -> None:
    from branches.models import Member
    from portal.models import User

    Member.objects.filter(user__username__startswith=BENCH_ACCOUNT).update(user=None)
    User.objects.filter(username__startswith=BENCH_ACCOUNT).delete()


def notice_publish() -> dict:
    from django.db import transaction
    from django.urls import reverse

    from notices.models import Notice, NoticeRecipient
    from notices.services import announce
    from portal.models import Reminder

    client = client_for("committee")
    root = root_org()
    made = _accounts_for_every_member()
    before = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    data = {
        "organization": root.pk,
        "category": "notice",
        "title": "压测通知",
        "body": "请各支部知悉。",
        "audience_orgs": [root.pk],
        "include_subtree": "on",
        "publish": "now",
        "classification": "public",
    }
    url = reverse("notices:notice_create")
    client.get(url)  # warm: the form's templates and querysets, as on a running server
    outcome = {}
    try:
        started = time.perf_counter()
        response = client.post(url, data)
        request_s = time.perf_counter() - started
        notice = Notice.objects.filter(pk__gt=before).order_by("-pk").first()
        if notice is None:
            return {"error": f"the form was refused (HTTP {response.status_code})"}
        # What the worker runs after the commit: every recipient gets the notice's reminder (inbox, digest).
        started = time.perf_counter()
        with transaction.atomic():
            told = announce(notice.pk, "notices.published")
        worker_s = time.perf_counter() - started
        outcome = {
            "seconds": round(request_s, 3),
            "worker_seconds": round(worker_s, 3),
            "visible_seconds": round(request_s + worker_s, 3),
            "recipients": NoticeRecipient.objects.filter(notice=notice).count(),
            "reminded": told,
            "temporary_accounts": made,
        }
    finally:
        for notice in Notice.objects.filter(pk__gt=before, title="压测通知"):
            Reminder.objects.filter(object_type="notices.notice", object_id=notice.pk).delete()
            notice.delete()
        _remove_bench_accounts()
    return outcome


def reminder_sweep() -> dict:
    from django.core.management import call_command

    from portal.models import Notification

    started = time.perf_counter()
    call_command("run_reminders", verbosity=0)
    first_s = time.perf_counter() - started
    count = Notification.objects.count()
    started = time.perf_counter()
    call_command("run_reminders", verbosity=0)
    second_s = time.perf_counter() - started
    return {
        "seconds": round(first_s, 3),
        "second_run_seconds": round(second_s, 3),
        "second_run_created": Notification.objects.count() - count,
    }


JOBS = {
    f.__name__: f
    for f in (
        register_export,
        roster_dry_run,
        roster_apply,
        minutes_docx,
        annual_summary,
        annual_ledger,
        notice_publish,
        reminder_sweep,
    )
}


def main() -> None:
    name = sys.argv[1]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's templates signal, as bench/run.py uses it
    baseline = peak_mb()
    try:
        result = JOBS[name]()
    except Exception as exc:  # report the failure as data: one job failing does not stop the run
        result = {"error": f"{type(exc).__name__}: {exc}"[:500]}
    result.update({"job": name, "peak_mb": peak_mb(), "baseline_mb": baseline, "budget": BUDGETS.get(name, {})})
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
