"""Summary figures kept between views, moved on by the writes that change them.

A committee's page that adds up a whole city (every member-month of dues, every study assignment) costs
hundreds of milliseconds to a few seconds. ``KeptFigures`` keeps such figures in the shared cache for a
set interval under a version that every write to the rows they count moves on (``watch`` connects the
models' ``post_save`` and ``post_delete``; bulk writes, which send no signals, call ``changed``). So a
person sees their own entry at once; what the figures read besides (the register) shows within the
interval. The page says when its figures were taken (``get`` returns that time).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone


def move_on(version_key: str) -> None:
    """Increment a version counter in the shared cache (kept forever), created when missing."""
    cache.add(version_key, 0, None)
    try:
        cache.incr(version_key)
    except ValueError:  # evicted between add and incr
        cache.set(version_key, 1, None)


class KeptFigures:
    def __init__(self, name: str, setting: str):
        """``setting``: the name of the setting that holds the interval in seconds (read on every use, so tests
        and deployments may change it)."""
        self.name = name
        self.version_key = f"{name}:version"
        self.setting = setting
        EVERY.append(self)

    def seconds(self) -> int:
        return getattr(settings, self.setting)

    def _bump(self) -> None:
        move_on(self.version_key)

    def changed(self, **_signal) -> None:
        """After a write to what the figures count: now (this transaction's own later reads) and again on
        commit (a view that read between the write and the commit must not keep its figures)."""
        self._bump()
        transaction.on_commit(self._bump)

    def watch(self, *models) -> None:
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(self.changed, sender=model, weak=False, dispatch_uid=f"{self.name}-{model.__name__}")

    def minutes(self) -> int:
        """The interval in whole minutes, rounded up, for the page to tell its reader (0: nothing is kept)."""
        return -(-self.seconds() // 60)

    def key(self, *parts) -> str:
        text = ":".join(map(str, parts))
        if len(text) > 120:  # a long list of organisations: a digest keeps the key short
            text = hashlib.sha256(text.encode()).hexdigest()
        return f"{self.name}:kept:{text}:{cache.get(self.version_key, 0)}"

    def get(self, parts: tuple, compute: Callable[[], object]) -> tuple[object, datetime.datetime]:
        """``(figures, taken_at)``: kept ones for ``parts`` if the version has not moved, else computed now."""
        key = self.key(*parts)
        found = cache.get(key)
        if found is None:
            found = (compute(), timezone.now())
            cache.set(key, found, self.seconds())
        for hook in ON_READ:
            hook(key, found[1])
        return found


EVERY: list[KeptFigures] = []
# ``hook(key, taken_at)`` after every read of kept figures: a page kept with them (portal.pagecache) is kept
# only while they are.
ON_READ: list[Callable[[str, datetime.datetime], None]] = []


def forget_all() -> None:
    """Move every kind of kept figures on: the database under them was replaced (a restore, or the next
    test's fresh database), so nothing kept before may be served."""
    for figures in EVERY:
        figures._bump()
