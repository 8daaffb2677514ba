"""The beat schedule is assembled from several areas: every entry must be well formed and runnable."""

from django.conf import settings

from portal.celery import app

ENTRY_KEYS = {"task", "schedule", "args", "kwargs", "options", "relative"}


def test_every_beat_entry_is_well_formed():
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert isinstance(entry, dict), name
        assert set(entry) <= ENTRY_KEYS, f"{name} has unknown keys {set(entry) - ENTRY_KEYS}"
        assert "task" in entry and "schedule" in entry, name


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    app.autodiscover_tasks(force=True)
    missing = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] not in app.tasks]
    assert not missing, f"Beat entries name tasks that do not exist: {missing}"


def test_the_sweeps_the_portal_relies_on_are_scheduled():
    tasks = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    for task in (
        "portal.tasks.reminder_sweep",
        "portal.tasks.dispatch_notifications",
        "portal.tasks.refresh_summaries",
        "supervision.tasks.sweep_cards",
        "training.tasks.sweep_assignments",
        "branches.tasks.expire_transfers",
        "portal.tasks.archive_audit_log",
    ):
        assert task in tasks, task
