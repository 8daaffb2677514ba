"""Transactional tests (browser journeys) flush the database, data migrations included:
put the supervision reference data (calendar, categories, rules) back when it is missing."""

from importlib import import_module

from django.apps import apps


def ensure_reference_data():
    from supervision.models import EscalationRule

    if not EscalationRule.objects.exists():
        import_module("supervision.migrations.0002_seed_calendar_categories_rules").seed(apps, None)
