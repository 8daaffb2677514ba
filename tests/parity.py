"""API parity helpers: the audit record an API write leaves must be the page's own (issue 26).

``trail(since)`` reads the audit entries written after ``since`` (an ``AuditEntry`` pk, from ``mark()``) in a form
that two runs of the same action on two like objects share: the action, object type, actor, organisation, and
the before/after snapshots without ids and timestamps (which differ from run to run by nature).
"""

from branches.models import AuditEntry

OUTSIDERS = ("outsider", "other_admin", "nobody")
VOLATILE = {"id", "pk", "signin_code", "sha256", "file", "thumbnail", "object_id", "meeting"}


def mark() -> int:
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def _plain(value, ignore=()):
    if isinstance(value, dict):
        return {
            k: _plain(v, ignore)
            for k, v in value.items()
            if k not in VOLATILE and k not in ignore and not k.endswith("_at")
        }
    if isinstance(value, list):
        return [_plain(v, ignore) for v in value]
    return value


def trail(since: int, until: int | None = None, *, ignore=()) -> list[tuple]:
    """The entries after ``since`` (up to ``until``); ``ignore`` names snapshot keys that differ by design
    (the two runs act on two people, so their names and ID numbers differ)."""
    # Signing a test client in is audited too (login.*): not part of the action compared.
    rows = AuditEntry.objects.filter(pk__gt=since).exclude(action__startswith="login.").order_by("pk")
    if until is not None:
        rows = rows.filter(pk__lte=until)
    return [
        (
            e.action,
            e.object_type,
            e.actor_id,
            e.organization_id,
            _plain(e.before or {}, ignore),
            _plain(e.after or {}, ignore),
        )
        for e in rows
    ]


def shape(entries: list[tuple]) -> list[tuple]:
    """Action, object type and the snapshot's fields: for runs that must act in two organisations."""
    return [(action, kind, sorted(before), sorted(after)) for action, kind, _a, _o, before, after in entries]


def assert_same_audit(page: list[tuple], api: list[tuple]) -> None:
    assert page, "the page wrote no audit record"
    assert api == page, f"the API's audit differs from the page's:\nAPI:  {api}\npage: {page}"
