"""Time one reminder sweep over the demo data: ``python bench/reminder_sweep.py``.

Run on a database seeded with ``seed_demo --scale city``. Gives every member an account (bulk,
once), registers a provider that makes two reminders due for every member (plus whatever
providers the installed apps have), then times the sweep inline (record, summaries, digests;
people have no email, so no channel traffic) and a second sweep at the same time.
"""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from branches.events import Due  # noqa: E402
from branches.models import Member  # noqa: E402
from portal.models import Notification, Reminder, User  # noqa: E402
from portal.notifications.engine import run_sweep  # noqa: E402
from portal.reminder_providers import register_provider  # noqa: E402


def ensure_accounts() -> None:
    missing = list(Member.objects.filter(user__isnull=True).values_list("pk", flat=True))
    if not missing:
        return
    users = User.objects.bulk_create([User(username=f"bench{pk}", password="!") for pk in missing], batch_size=2000)
    members = list(Member.objects.filter(pk__in=missing).order_by("pk"))
    for member, user in zip(sorted(members, key=lambda m: m.pk), users, strict=True):
        member.user_id = user.pk
    Member.objects.bulk_update(members, ["user"], batch_size=2000)


def main() -> None:
    ensure_accounts()
    rows = list(Member.objects.filter(user__isnull=False).values_list("pk", "user_id", "organization_id"))
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)

    def provider(at):
        for member_id, user_id, org_id in rows:
            yield Due("bench.study", "branches.member", member_id, "T-3", user_id, at - datetime.timedelta(days=1),
                      "学习任务即将截止", "/me/", False, org_id)  # fmt: skip
            yield Due("bench.hours", "branches.member", member_id, "overdue", user_id, at - datetime.timedelta(days=2),
                      "年度学时不足", "/me/", False, org_id)  # fmt: skip

    register_provider(provider)
    started = time.monotonic()
    first = run_sweep(now, run_inline=True)
    elapsed = time.monotonic() - started
    started = time.monotonic()
    second = run_sweep(now, run_inline=True)
    again = time.monotonic() - started
    most = (
        Notification.objects.filter(digest_day=timezone.localtime(now).date())
        .values("recipient")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("n", flat=True)
        .first()
    )
    print(f"people with accounts: {len(rows)}; reminders in table: {Reminder.objects.count()}")
    print(
        f"first sweep:  {elapsed:.1f}s  due {first.collected}, created {first.created}, "
        f"notifications {first.notifications}"
    )
    print(
        f"second sweep: {again:.1f}s  created {second.created}, "
        f"notifications {second.notifications}, sent {second.sent}"
    )
    print(f"most digests for one person today: {most}")


if __name__ == "__main__":
    main()
