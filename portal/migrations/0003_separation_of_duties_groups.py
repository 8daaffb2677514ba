"""三员: system, security and audit administrators as groups with distinct permissions.

The audit administrator only reads (and exports) the audit log. Nobody, in any
group, gets a delete permission on audit entries.
"""

from django.db import migrations

GROUPS = {
    "系统管理员": [
        ("portal", "user", ["add", "change", "view"]),
        ("auth", "group", ["view"]),
        ("branches", "rolegrant", ["add", "change", "view"]),
        ("branches", "organization", ["view"]),
        ("branches", "unit", ["add", "change", "view"]),
        ("portal", "portalstate", ["view"]),
    ],
    "安全管理员": [
        ("portal", "usersession", ["view", "delete", "manage_security", "view_audit_log"]),
        ("portal", "user", ["view"]),
        ("axes", "accessattempt", ["view", "delete"]),
        ("axes", "accessfailurelog", ["view"]),
        ("axes", "accesslog", ["view"]),
        ("otp_totp", "totpdevice", ["view", "delete"]),
        ("otp_static", "staticdevice", ["view", "delete"]),
    ],
    "审计管理员": [
        ("portal", "usersession", ["view_audit_log", "export_audit_log"]),
        ("branches", "auditentry", ["view"]),
    ],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, entries in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, model, actions in entries:
            for action in actions:
                codename = action if "_" in action else f"{action}_{model}"
                perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
                if perm is not None:
                    group.permissions.add(perm)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_user_sessions_and_security_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("branches", "0002_initial"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
