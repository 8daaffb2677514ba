"""Per-channel send rates (``NOTIFY_RATE_LIMITS``: messages per minute per target).

钉钉 and 企业微信 group robots accept 20 messages a minute each; the messenger APIs and the mail
server have their own limits. A send that would go over waits for the next minute: the worker
moves its ``next_attempt_at`` there (no attempt counted), so a burst drains at the allowed pace.
Counts live in the cache (Redis in production: shared by every worker).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache


class RateLimited(Exception):
    def __init__(self, until: datetime.datetime):
        super().__init__(f"rate limit reached, next window at {until.isoformat()}")
        self.until = until


def take(channel: str, target, count: int = 1, *, now: datetime.datetime) -> None:
    """Reserve ``count`` sends on ``channel`` for ``target`` in the current minute, or raise."""
    limit = settings.NOTIFY_RATE_LIMITS.get(channel, 0)
    if not limit or count <= 0:
        return
    count = min(count, limit)  # a message longer than a minute's allowance still goes, alone
    window = int(now.timestamp() // 60)
    key = f"notify-rate:{channel}:{target}:{window}"
    cache.add(key, 0, timeout=120)
    used = cache.incr(key, count)
    if used > limit:
        cache.decr(key, count)
        start = datetime.datetime.fromtimestamp((window + 1) * 60, tz=datetime.UTC)
        raise RateLimited(until=start)
