"""Seed the frequency and kind rules with DOMAIN.md §4 defaults (data, editable in the admin)."""

from django.db import migrations

# kind, organisation kind, period, minimum count, only for organisations with party groups
FREQUENCIES = [
    ("member_assembly", "branch", "quarter", 1, False),
    ("committee", "branch", "month", 1, False),
    ("group", "branch", "month", 1, True),
    ("lecture", "branch", "quarter", 1, False),
    ("theme_day", "branch", "month", 1, False),
    ("org_life", "branch", "year", 1, False),
    ("democratic_review", "branch", "year", 1, False),
]
# kind, requires a first topic, quorum
KINDS = [
    ("member_assembly", True, "members"),
    ("committee", True, "committee"),
    ("group", True, "none"),
    ("lecture", False, "none"),
    ("theme_day", False, "none"),
    ("org_life", False, "members"),
    ("democratic_review", False, "members"),
    ("talk", False, "none"),
    ("party_committee", True, "committee"),
    ("central_group", True, "none"),
]


def seed(apps, schema_editor):
    FrequencyRule = apps.get_model("branches", "FrequencyRule")
    MeetingKindRule = apps.get_model("branches", "MeetingKindRule")
    MeetingSettings = apps.get_model("branches", "MeetingSettings")
    for kind, org_kind, period, count, groups in FREQUENCIES:
        FrequencyRule.objects.get_or_create(
            kind=kind,
            organization_kind=org_kind,
            period=period,
            defaults={"min_count": count, "only_with_groups": groups},
        )
    for kind, first_topic, quorum in KINDS:
        MeetingKindRule.objects.get_or_create(
            kind=kind, defaults={"requires_first_topic": first_topic, "quorum": quorum}
        )
    if not MeetingSettings.objects.exists():
        MeetingSettings.objects.create(lock_days=7, remind_days_before=7, signin_early_minutes=30)


def unseed(apps, schema_editor):
    apps.get_model("branches", "FrequencyRule").objects.all().delete()
    apps.get_model("branches", "MeetingKindRule").objects.all().delete()
    apps.get_model("branches", "MeetingSettings").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("branches", "0003_meetings")]

    operations = [migrations.RunPython(seed, unseed)]
