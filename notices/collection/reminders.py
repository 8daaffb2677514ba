"""What is due here; read through ``notices.reminders``."""


def due(now):
    return iter(())
