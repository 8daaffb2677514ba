"""Demo accounts for the three administrators (三员): systemadmin, secadmin, auditor.

(`sysadmin` from branches.demo is the installation superuser, outside the three roles.)

Staff accounts, so each enrols an authenticator at first login; same demo password.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from branches.demo import DEMO_PASSWORD

ACCOUNTS = [
    ("systemadmin", "系统管理员（演示）", "系统管理员"),
    ("secadmin", "安全管理员（演示）", "安全管理员"),
    ("auditor", "审计管理员（演示）", "审计管理员"),
]


def seed(ctx):
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    groups = {g.name: g for g in Group.objects.filter(name__in=[a[2] for a in ACCOUNTS])}
    for username, full_name, group_name in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create(username=username, full_name=full_name, password=password, is_staff=True)
        if group_name in groups:
            user.groups.add(groups[group_name])
