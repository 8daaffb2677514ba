"""A member's history: every register change appends a ``MemberEvent`` instead of overwriting.

Below both the development pipeline (``development.py``) and the register's services, which
each record events here.
"""

from __future__ import annotations

import datetime

from .models import Member, MemberEvent


def actor_name(actor) -> str:
    return getattr(actor, "username", "") or str(actor)


def add_event(member: Member, kind: str, *, date: datetime.date, detail: str = "", organization=None, actor=None):
    return MemberEvent.objects.create(
        member=member,
        kind=kind,
        date=date,
        detail=detail[:300],
        organization=organization or member.organization,
        actor_name=actor_name(actor) if actor is not None else "",
    )
