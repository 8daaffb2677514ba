"""Reminders of the ground floor: every Due item currently due."""

from .meetings import reminders as _meetings


def due(now):
    yield from _meetings.due(now)
