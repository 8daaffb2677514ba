"""Seed the register's rule data and committee positions with the defaults of DOMAIN.md 2-3."""

from django.db import migrations

from branches.reference import POSITIONS, RULES


def seed(apps, schema_editor):
    RegisterRule = apps.get_model("branches", "RegisterRule")
    CommitteePosition = apps.get_model("branches", "CommitteePosition")
    for code, value, unit, description, source in RULES:
        RegisterRule.objects.update_or_create(
            code=code, defaults={"value": value, "unit": unit, "description": description, "source": source}
        )
    for code, name, order, is_secretary in POSITIONS:
        CommitteePosition.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "is_secretary": is_secretary}
        )


def unseed(apps, schema_editor):
    apps.get_model("branches", "RegisterRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("branches", "0003_register_terms_development_transfers")]
    operations = [migrations.RunPython(seed, unseed)]
