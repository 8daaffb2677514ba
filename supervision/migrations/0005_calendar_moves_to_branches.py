"""The working-day calendar moves to the ground floor (``branches.CalendarDay``): copy every row
(operators' corrections win over the built-in data), then drop supervision's table."""

from django.db import migrations


def copy_days(apps, schema_editor):
    Old = apps.get_model("supervision", "CalendarDay")
    New = apps.get_model("branches", "CalendarDay")
    for day in Old.objects.all():
        New.objects.update_or_create(
            date=day.date, defaults={"kind": day.kind, "name": day.name, "confirmed": day.confirmed}
        )


def copy_back(apps, schema_editor):
    Old = apps.get_model("supervision", "CalendarDay")
    New = apps.get_model("branches", "CalendarDay")
    Old.objects.bulk_create(
        [Old(date=d.date, kind=d.kind, name=d.name, confirmed=d.confirmed) for d in New.objects.all()],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0006_calendar_elections_rules"),
        ("supervision", "0004_organisations_protect_history"),
    ]

    operations = [
        migrations.RunPython(copy_days, copy_back),
        migrations.DeleteModel(name="CalendarDay"),
    ]
