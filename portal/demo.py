"""Portal demo data: the three administrators, a few inbox entries, and the dashboards' figures.

Demo notifications: a few reminders and a digest in the demo accounts' inboxes.

Real reminders come from the apps' providers through ``run_reminders``; this only makes the
inbox and the bell look like a working morning. Bulk inserts, a fixed number of rows at any scale.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from branches import audit
from branches.demo import DEMO_PASSWORD

from .notifications.models import Notification, Reminder

ITEMS = {
    "secretary": [
        ("demo.meeting", "本季度支部党员大会尚未召开，请于季度末前组织召开", "T-7", False),
        ("demo.term", "支部委员会任期将于 1 个月后届满，请做好换届准备", "1m", False),
        ("demo.card", "督查整改事项被亮黄牌，请尽快完成整改", "on_issue", True),
    ],
    "member": [
        ("demo.study", "学习任务《党章》专题学习将于 3 天后截止", "T-3", False),
        ("demo.study", "年度学时尚差 6 学时，请抓紧完成", "overdue", False),
    ],
    "unitadmin": [("demo.supervision", "督查任务整改期限还剩 7 天", "T-7", False)],
}


def _seed_inbox(ctx) -> None:
    users = ctx.data.get("users", {})
    branch = ctx.data.get("demo_branch")
    now = timezone.now().replace(microsecond=0)
    yesterday = now - datetime.timedelta(days=1)
    notifications, links = [], []
    for username, rows in ITEMS.items():
        user = users.get(username)
        if user is None:
            continue
        regular = [r for r in rows if not r[3]]
        digest = Notification(
            recipient=user,
            kind="digest",
            title=f"每日提醒：您有 {len(regular)} 项待办事项",
            body="\n".join(f"· {title}" for _k, title, _s, _u in regular),
            url="/notifications/",
            digest_day=timezone.localtime(yesterday).date(),
            created_at=yesterday,
        )
        notifications.append(digest)
        for index, (kind, title, step, urgent) in enumerate(rows):
            reminder = Reminder(
                kind=kind,
                object_type="branches.organization",
                object_id=branch.pk if branch else index,
                step=step,
                recipient=user,
                due_at=yesterday,
                title=title,
                url=f"/orgs/{branch.pk}/" if branch else "",
                urgent=urgent,
                organization=branch,
                created_at=yesterday,
            )
            if urgent:
                notice = Notification(
                    recipient=user, kind=kind, title=title, url=reminder.url, urgent=True, created_at=now
                )
                notifications.append(notice)
                links.append((reminder, notice))
            else:
                links.append((reminder, digest))
    Notification.objects.bulk_create(notifications)
    reminders = []
    for reminder, notification in links:
        reminder.notification = notification
        reminders.append(reminder)
    Reminder.objects.bulk_create(reminders)
    ctx.log(f"  notifications: {len(notifications)} in the demo inboxes")


ACCOUNTS = [
    ("systemadmin", "系统管理员（演示）", "系统管理员"),
    ("secadmin", "安全管理员（演示）", "安全管理员"),
    ("auditor", "审计管理员（演示）", "审计管理员"),
]


def _seed_admins(ctx) -> None:
    """Demo accounts for the three administrators (三员): systemadmin, secadmin, auditor.

    (`sysadmin` from branches.demo is the installation superuser, outside the three roles.)

    Staff accounts, so each enrols an authenticator at first login; same demo password.
    """
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    groups = {g.name: g for g in Group.objects.filter(name__in=[a[2] for a in ACCOUNTS])}
    for username, full_name, group_name in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create(username=username, full_name=full_name, password=password, is_staff=True)
        if group_name in groups:
            user.groups.add(groups[group_name])


def _seed_dashboards(ctx) -> None:
    from portal.dashboards import snapshots

    detail = snapshots.refresh_summaries(actor=audit.SYSTEM, history=True)
    ctx.log(f"    dashboards: {detail['rows']} figures")


def seed(ctx) -> None:
    _seed_admins(ctx)
    _seed_inbox(ctx)
    # Last: every other app has seeded by now (portal is last in INSTALLED_APPS).
    _seed_dashboards(ctx)
