"""Tamper-evident audit log: HMAC-SM3 chains per partition (GB/T 39786-2021 8.3, 等保 2.0 8.1.4.3).

Every ``AuditEntry`` is sealed when it is inserted: ``mac = HMAC-SM3(INTEGRITY_KEY, content ‖
previous MAC)`` within its partition (``chain`` = local day + shard, ``seq`` = 1, 2, 3 …). The
shard comes from the actor (or the worker process), so concurrent writers lock different
partition heads and never serialise globally; a transaction keeps the chain it first locked,
so it holds one head lock at most and cannot deadlock on heads.

``verify()`` walks every chain in order and reports the first broken link: an edited entry
(MAC mismatch), a deleted one (a gap, or a chain shorter than its head), an inserted one (an
unsealed row, a MAC that does not match, or a position beyond the head). Archiving prunes
entries only after recording each pruned range with the MAC that bridges it in the sealed head.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.utils import timezone

from . import crypto

CONTENT_FIELDS = [
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "organization_id",
    "before",
    "after",
    "ip",
]


def _json_value(value):
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _ip(value) -> str | None:
    return str(ipaddress.ip_address(str(value))) if value else None


def content(values: dict, *, chain: str, seq: int, prev: str) -> bytes:
    """The bytes an entry's MAC covers: its position, the previous MAC, and every content field."""
    at = values["at"].astimezone(datetime.UTC).isoformat()
    data = {name: values[name] for name in CONTENT_FIELDS}
    data.update(at=at, before=_json_value(values["before"]), after=_json_value(values["after"]), ip=_ip(values["ip"]))
    data.update(chain=chain, seq=seq, prev=prev)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def head_content(head) -> bytes:
    return json.dumps(["head", head.chain, head.seq, head.mac, head.pruned], separators=(",", ":")).encode()


def _partition(entry, connection) -> str:
    # The outermost transaction of the application (Django's test cases wrap tests in their own).
    blocks = [b for b in connection.atomic_blocks if not getattr(b, "_from_testcase", False)]
    held = getattr(connection, "_audit_chain_held", None)
    day = timezone.localtime(entry.at).strftime("%Y%m%d")
    if held and blocks and held[0] == id(blocks[0]) and held[1].startswith(day):
        return held[1]
    shard_source = entry.actor_id if entry.actor_id is not None else os.getpid()
    chain = f"{day}-{shard_source % settings.AUDIT_CHAIN_PARTITIONS}"
    if blocks:
        connection._audit_chain_held = (id(blocks[0]), chain)
    return chain


def seal(entry) -> None:
    """Give a new entry its chain position and MAC, advancing the (row-locked) partition head.

    Runs inside the caller's transaction; the head row stays locked until it commits.
    """
    seal_many([entry], using=entry._state.db or "default")


def seal_many(entries, *, using: str = "default") -> None:
    """Seal entries in their order: one head lock and one head update per partition, however many.

    A batch (an import of 5,000 people audits 5,000 rows) costs two queries per partition instead of
    two per entry; the chain is the same as if each entry had been sealed on its own. Partitions are
    locked in a fixed order, so two batches cannot deadlock on each other's heads.
    """
    AuditChainHead = apps.get_model("branches", "AuditChainHead")

    connection = connections[using]
    by_chain: dict[str, list] = {}
    for entry in entries:
        entry.at = entry.at or timezone.now()
        entry.ip = _ip(entry.ip)
        by_chain.setdefault(_partition(entry, connection), []).append(entry)
    heads = AuditChainHead.objects.using(using).select_for_update()
    for chain in sorted(by_chain):
        head = heads.filter(chain=chain).first()
        if head is None:
            AuditChainHead.objects.using(using).bulk_create([AuditChainHead(chain=chain)], ignore_conflicts=True)
            head = heads.get(chain=chain)
        for entry in by_chain[chain]:
            values = {name: getattr(entry, name) for name in CONTENT_FIELDS}
            entry.chain, entry.seq = chain, head.seq + 1
            entry.mac = crypto.integrity_mac(content(values, chain=chain, seq=entry.seq, prev=head.mac))
            head.seq, head.mac = entry.seq, entry.mac
        head.seal = crypto.integrity_mac(head_content(head))
        AuditChainHead.objects.using(using).filter(chain=chain).update(seq=head.seq, mac=head.mac, seal=head.seal)


# --- Verification -----------------------------------------------------------------------


def _problem(reason: str, *, chain: str = "", seq=None, entry_id=None) -> dict:
    return {"reason": reason, "chain": chain, "seq": seq, "entry_id": entry_id}


def _bridge(head, first: int, last: int) -> str | None:
    """The MAC that bridges a pruned range ``first..last`` of this chain, if it was recorded."""
    for start, end, mac in head.pruned if head else []:
        if start == first and end == last:
            return mac
    return None


class _ChainWalk:
    def __init__(self, chain: str, head):
        self.chain, self.head = chain, head
        self.expected, self.prev = 1, ""

    def step(self, entry_id, seq, mac, values) -> dict | None:
        if seq != self.expected:
            bridge = _bridge(self.head, self.expected, seq - 1) if seq > self.expected else None
            if bridge is None:
                what = "entries missing before this one (deleted)" if seq > self.expected else "duplicate position"
                return _problem(what, chain=self.chain, seq=seq, entry_id=entry_id)
            self.prev = bridge
        body = content(values, chain=self.chain, seq=seq, prev=self.prev)
        if not crypto.integrity_ok(body, mac):
            reason = "MAC does not match: the entry was edited, inserted or forged"
            return _problem(reason, chain=self.chain, seq=seq, entry_id=entry_id)
        self.expected, self.prev = seq + 1, mac
        return None

    def finish(self) -> dict | None:
        head = self.head
        last = self.expected - 1
        if last > head.seq:
            return _problem("entries beyond the chain head (inserted)", chain=self.chain, seq=last)
        if last < head.seq:
            bridge = _bridge(head, last + 1, head.seq)
            if bridge is None or bridge != head.mac:
                return _problem("the newest entries of the chain are missing (deleted)", chain=self.chain, seq=last + 1)
        elif head.mac != self.prev:
            return _problem("the chain head does not match its last entry", chain=self.chain, seq=last)
        return None


def verify(*, using: str = "default") -> dict:
    """Walk every chain; ``{"ok", "checked", "chains", "problem"}`` with the first broken link."""
    AuditChainHead = apps.get_model("branches", "AuditChainHead")
    AuditEntry = apps.get_model("branches", "AuditEntry")

    heads = {h.chain: h for h in AuditChainHead.objects.using(using).all()}
    result = {"ok": True, "checked": 0, "chains": len(heads), "problem": None}

    def fail(problem):
        result.update(ok=False, problem=problem)
        return result

    for head in heads.values():
        if (head.seq or head.pruned) and not crypto.integrity_ok(head_content(head), head.seal):
            return fail(_problem("the chain head was altered", chain=head.chain, seq=head.seq))
    rows = (
        AuditEntry.objects.using(using)
        .order_by("chain", "seq")
        .values_list("id", "chain", "seq", "mac", *CONTENT_FIELDS)
        .iterator(chunk_size=2000)
    )
    walk, seen = None, set()
    for entry_id, chain, seq, mac, *rest in rows:
        result["checked"] += 1
        if not chain or seq is None:
            return fail(_problem("an entry without a seal (inserted outside the application)", entry_id=entry_id))
        if walk is None or walk.chain != chain:
            if walk is not None and (problem := walk.finish()):
                return fail(problem)
            if chain not in heads:
                return fail(_problem("a chain without a head (inserted)", chain=chain, seq=seq, entry_id=entry_id))
            walk = _ChainWalk(chain, heads[chain])
            seen.add(chain)
        if problem := walk.step(entry_id, seq, mac, dict(zip(CONTENT_FIELDS, rest, strict=True))):
            return fail(problem)
    if walk is not None and (problem := walk.finish()):
        return fail(problem)
    for chain, head in sorted(heads.items()):
        if chain not in seen and head.seq and (problem := _ChainWalk(chain, head).finish()):
            return fail(problem)
    return result


# --- Retention ----------------------------------------------------------------------------


def _ranges(rows) -> dict[str, list[list]]:
    """Consecutive ``(chain, seq, mac)`` rows grouped into ``[first, last, mac of last]`` per chain."""
    ranges: dict[str, list[list]] = {}
    for chain, seq, mac in rows:
        chain_ranges = ranges.setdefault(chain, [])
        if chain_ranges and chain_ranges[-1][1] == seq - 1:
            chain_ranges[-1][1:] = [seq, mac]
        else:
            chain_ranges.append([seq, seq, mac])
    return ranges


def _merge(existing: list[list], new: list[list]) -> list[list]:
    merged: list[list] = []
    for first, last, mac in sorted([*existing, *new]):
        if merged and merged[-1][1] == first - 1:
            merged[-1][1:] = [last, mac]
        else:
            merged.append([first, last, mac])
    return merged


@transaction.atomic
def record_pruned(ids) -> dict[str, list[list]]:
    """Before deleting archived entries: record each pruned range and its bridging MAC in the heads."""
    AuditChainHead = apps.get_model("branches", "AuditChainHead")
    AuditEntry = apps.get_model("branches", "AuditEntry")

    rows = AuditEntry.objects.filter(pk__in=list(ids)).exclude(chain="").order_by("chain", "seq")
    ranges = _ranges(rows.values_list("chain", "seq", "mac"))
    for head in AuditChainHead.objects.select_for_update().filter(chain__in=sorted(ranges)).order_by("chain"):
        head.pruned = _merge(head.pruned, ranges[head.chain])
        head.seal = crypto.integrity_mac(head_content(head))
        AuditChainHead.objects.filter(chain=head.chain).update(pruned=head.pruned, seal=head.seal)
    return ranges


# --- Recording a verification ------------------------------------------------------------

VERIFIED_ACTION = "audit.verified"


def verify_and_record(*, actor=None, ip: str | None = None) -> dict:
    """Verify every chain, then record the result as an audit entry (itself chained).

    The audit page shows the latest of these; a broken chain is also logged at ERROR.
    """
    import logging

    from . import audit

    result = verify()
    if not result["ok"]:
        logging.getLogger("portal.security.integrity").error("Audit chain broken: %s", result["problem"])
    with transaction.atomic():
        audit.record(
            actor or audit.SYSTEM,
            VERIFIED_ACTION,
            object_type="branches.auditentry",
            object_repr="HMAC-SM3",
            after=result,
            ip=ip,
        )
    return result


def latest_verification():
    """The most recent recorded verification (one query), or None."""
    AuditEntry = apps.get_model("branches", "AuditEntry")

    return AuditEntry.objects.filter(action=VERIFIED_ACTION).order_by("-id").first()
