"""三员 (security review F2): privileged role grants are the security administrator's."""

from django.db import migrations

PERMISSIONS = [("branches", "rolegrant", ["add", "change", "delete", "view"])]


def add(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="安全管理员")
    for app_label, model, actions in PERMISSIONS:
        for action in actions:
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=f"{action}_{model}").first()
            if perm is not None:
                group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_merge_notifications_security_dashboards")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
