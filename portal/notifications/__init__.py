"""Notifications: what the reminder engine found due, built into inbox entries and digests, and
delivered on each person's channels.

- ``engine``: asks every app's ``reminders.due(now)`` what is due, stores it, fans out the work;
- ``services``: the notification layer: stores reminders, builds notifications and digests,
  delivers them (claims, retries, quiet hours, rate limits), preferences and read marks;
- ``summaries``: the secretaries' daily laggard line and the unit admins' weekly summary;
- ``channels``, ``messenger``, ``senders``: mail, webhooks, personal robots, 企业微信 / 钉钉;
- ``email_addresses``: people confirm their own e-mail address;
- ``models``, ``forms``, ``views``, ``urls``; Celery tasks stay in ``portal/tasks.py`` (their names
  are the beat schedule's contract).

``from portal.notifications import build_notifications`` keeps working: names not found here are
read from ``services`` when first asked for (so importing the models does not load the services).
"""

from importlib import import_module

SUBMODULES = {"channels", "email_addresses", "engine", "forms", "messenger", "models", "senders"}
SUBMODULES |= {"services", "summaries", "urls", "views"}


def __getattr__(name: str):
    if name.startswith("_") or name in SUBMODULES:  # submodules are imported, not looked up
        raise AttributeError(f"module 'portal.notifications' has no attribute {name!r}")
    return getattr(import_module("portal.notifications.services"), name)
