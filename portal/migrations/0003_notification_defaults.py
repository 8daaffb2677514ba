"""The committee's default notification settings (a data row, editable in the portal)."""

from django.db import migrations


def seed(apps, schema_editor):
    Preference = apps.get_model("portal", "NotificationPreference")
    if not Preference.objects.filter(is_default=True).exists():
        Preference.objects.create(
            is_default=True, email=True, webhook=False, digest_hour=8, quiet_start=22, quiet_end=7
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_notifications")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
