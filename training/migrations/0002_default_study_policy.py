from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    StudyPolicy = apps.get_model("training", "StudyPolicy")
    StudyPolicy.objects.get_or_create(
        name="default",
        defaults={
            "heartbeat_interval_seconds": 30,
            "heartbeat_slack_seconds": 5,
            "idle_cutoff_seconds": 300,
            "daily_cap_minutes": 240,
            "video_skip_slack_seconds": 10,
            "annual_target_hours": Decimal("32"),
            "leader_annual_target_hours": Decimal("56"),
            "class_session_hours": Decimal("2"),
            "makeup_due_days": 14,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_study_training")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
