"""Tamper-evident audit log: HMAC-SM3 chains per partition, verify_audit, append-only (issue 24)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from branches import audit, audit_chain
from branches.models import AuditChainHead, AuditEntry
from branches.models.audit import AuditRecordsAreKept
from portal.security.services import archive_and_prune_audit
from tests.world import make_user

pytestmark = pytest.mark.django_db


def _entries(n=4, actor=None):
    return [
        audit.record(actor or audit.SYSTEM, "thing.changed", object_type="x.y", object_id=str(i), after={"n": i})
        for i in range(n)
    ]


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def test_entries_are_sealed_in_order_and_the_chain_verifies(settings):
    first, second, *_rest = _entries()
    assert first.chain == second.chain and second.seq == first.seq + 1
    assert first.mac.startswith(f"{settings.INTEGRITY_KEY_VERSION}:") and len(first.mac) == 2 + 64
    head = AuditChainHead.objects.get(chain=first.chain)
    assert head.seq == _rest[-1].seq and head.mac == _rest[-1].mac
    result = audit_chain.verify()
    assert result["ok"] and result["checked"] == AuditEntry.objects.count()


def test_an_entry_edited_in_sql_is_found():
    entries = _entries()
    _sql("UPDATE branches_auditentry SET object_repr = %s WHERE id = %s", ["篡改", entries[2].pk])
    result = audit_chain.verify()
    assert not result["ok"]
    assert result["problem"]["entry_id"] == entries[2].pk and "MAC" in result["problem"]["reason"]


def test_edited_json_content_is_found():
    entries = _entries()
    _sql("UPDATE branches_auditentry SET after = %s WHERE id = %s", ['{"n": 99}', entries[1].pk])
    assert audit_chain.verify()["problem"]["entry_id"] == entries[1].pk


def test_an_entry_deleted_in_sql_is_found():
    entries = _entries()
    _sql("DELETE FROM branches_auditentry WHERE id = %s", [entries[1].pk])
    problem = audit_chain.verify()["problem"]
    assert problem["entry_id"] == entries[2].pk and "deleted" in problem["reason"]


def test_the_newest_entry_deleted_in_sql_is_found():
    entries = _entries()
    _sql("DELETE FROM branches_auditentry WHERE id = %s", [entries[-1].pk])
    problem = audit_chain.verify()["problem"]
    assert problem["seq"] == entries[-1].seq and "deleted" in problem["reason"]


def test_an_entry_inserted_in_sql_is_found():
    entries = _entries()
    last = entries[-1]
    _sql(
        "INSERT INTO branches_auditentry "
        "(at, actor_name, action, object_type, object_id, object_repr, chain, seq, mac) "
        "VALUES (%s, 'intruder', 'member.update', 'x.y', '9', '伪造', %s, %s, %s)",
        [timezone.now(), last.chain, last.seq + 1, "1:" + "0" * 64],
    )
    problem = audit_chain.verify()["problem"]
    assert problem["seq"] == last.seq + 1 and "MAC" in problem["reason"]


def test_an_unsealed_entry_inserted_in_sql_is_found():
    _entries(2)
    _sql(
        "INSERT INTO branches_auditentry (at, actor_name, action, object_type, object_id, object_repr, chain, mac) "
        "VALUES (%s, 'intruder', 'member.update', 'x.y', '9', '伪造', '', '')",
        [timezone.now()],
    )
    assert "without a seal" in audit_chain.verify()["problem"]["reason"]


def test_a_head_moved_back_to_hide_a_deletion_is_found():
    entries = _entries()
    previous = entries[-2]
    _sql("DELETE FROM branches_auditentry WHERE id = %s", [entries[-1].pk])
    _sql(
        "UPDATE branches_auditchainhead SET seq = %s, mac = %s WHERE chain = %s",
        [previous.seq, previous.mac, previous.chain],
    )
    assert "head was altered" in audit_chain.verify()["problem"]["reason"]


def test_writers_of_different_actors_use_different_partitions_and_a_transaction_keeps_one(settings, world):
    settings.AUDIT_CHAIN_PARTITIONS = 64
    # Actors are spread over the partitions by a hash: take the first three writers that land apart
    # (two of three ids may share one of 64 partitions, whatever the database hands out).
    users, chains = [], set()
    for i in range(40):
        user = make_user(f"writer{i}")
        chain = audit.record(user, "x.done", object_type="x.y").chain
        if chain not in chains:
            users.append(user)
            chains.add(chain)
        if len(chains) == 3:
            break
    assert len(chains) == 3
    with transaction.atomic():
        one = audit.record(users[0], "x.done", object_type="x.y")
        two = audit.record(users[1], "x.done", object_type="x.y")
    assert one.chain == two.chain and two.seq == one.seq + 1
    assert audit_chain.verify()["ok"]


def test_the_orm_cannot_update_or_delete_entries():
    entry = _entries(1)[0]
    with pytest.raises(AuditRecordsAreKept):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AuditRecordsAreKept):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditRecordsAreKept):
        entry.delete()
    entry.action = "forged"
    with pytest.raises(AuditRecordsAreKept):
        entry.save()
    assert audit_chain.verify()["ok"]


def test_deleting_a_user_leaves_their_entries_verifiable(world):
    user = make_user("leaver")
    entry = audit.record(user, "x.done", object_type="x.y")
    user_pk = user.pk
    user.delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor_id == user_pk
    assert audit_chain.verify()["ok"]


def _backdate(entry, days):
    QuerySet.update(AuditEntry.objects.filter(pk=entry.pk), at=timezone.now() - datetime.timedelta(days=days))


def test_archiving_keeps_the_chain_verifiable_and_records_the_pruned_ranges(settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    entries = _entries(6)
    for entry in (entries[0], entries[1], entries[3]):  # a prefix and a hole in the middle
        _backdate(entry, 400)
    # Back-dating (test set-up) edits the entries; re-seal the chain as if they had been written then.
    _reseal()
    entries = [AuditEntry.objects.get(pk=e.pk) for e in entries]
    assert archive_and_prune_audit()["archived"] == 3
    head = AuditChainHead.objects.get(chain=entries[0].chain)
    assert head.pruned == [
        [entries[0].seq, entries[1].seq, entries[1].mac],
        [entries[3].seq, entries[3].seq, entries[3].mac],
    ]
    assert audit_chain.verify()["ok"]
    archived = AuditEntry.objects.get(action="audit.archived")
    assert entries[0].chain in archived.after["chain_ranges"]
    _sql("DELETE FROM branches_auditentry WHERE id = %s", [entries[2].pk])
    assert audit_chain.verify()["problem"]["entry_id"] == entries[4].pk


def _reseal():
    """Test helper: rebuild every chain's MACs in place (stands in for entries written in the past)."""
    rows = AuditEntry.objects.order_by("chain", "seq").values("id", "chain", "seq", *audit_chain.CONTENT_FIELDS)
    prev, chain = "", None
    from branches import crypto

    for row in rows:
        if row["chain"] != chain:
            prev, chain = "", row["chain"]
        mac = crypto.integrity_mac(audit_chain.content(row, chain=chain, seq=row["seq"], prev=prev))
        QuerySet.update(AuditEntry.objects.filter(pk=row["id"]), mac=mac)
        head = AuditChainHead.objects.get(chain=chain)
        if head.seq == row["seq"]:
            head.mac = mac
            head.seal = crypto.integrity_mac(audit_chain.head_content(head))
            QuerySet.update(AuditChainHead.objects.filter(chain=chain), mac=mac, seal=head.seal)
        prev = mac


def test_verify_audit_reports_the_first_broken_link_and_records_every_run():
    entries = _entries()
    out = __import__("io").StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()
    _sql("UPDATE branches_auditentry SET actor_name = 'x' WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=f"entry id {entries[1].pk}"):
        call_command("verify_audit")
    runs = list(AuditEntry.objects.filter(action="audit.verified").order_by("id"))
    assert [r.after["ok"] for r in runs] == [True, False]


def _auditor():
    user = make_user("auditor")
    user.groups.add(Group.objects.get(name="审计管理员"))
    return user


def test_the_audit_administrator_sees_and_runs_the_verification(client_for, world):
    client = client_for(_auditor())
    page = client.get(reverse("audit-list")).content.decode()
    assert 'data-testid="audit-verification"' in page and 'data-testid="audit-chain-ok"' not in page
    response = client.post(reverse("audit-verify"), follow=True)
    assert 'data-testid="audit-chain-ok"' in response.content.decode()
    victim = AuditEntry.objects.exclude(action="audit.verified").order_by("id").first()
    _sql("UPDATE branches_auditentry SET action = 'forged' WHERE id = %s", [victim.pk])
    page = client.post(reverse("audit-verify"), follow=True).content.decode()
    assert 'data-testid="audit-chain-broken"' in page and f"<code>{victim.pk}</code>" in page
    assert client.get(reverse("audit-verify")).status_code == 405


@pytest.mark.parametrize("persona", ["committee", "secretary"])
def test_portal_roles_cannot_run_the_verification(client_for, world, persona):
    assert client_for(getattr(world, persona)).post(reverse("audit-verify")).status_code == 403


def test_entries_made_in_bulk_are_sealed_too():
    AuditEntry.objects.bulk_create([AuditEntry(actor_name="x", action="a.b", object_type="x.y") for _ in range(3)])
    assert AuditEntry.objects.filter(action="a.b", mac__startswith="1:").count() == 3
    assert audit_chain.verify()["ok"]


def test_a_batch_locks_and_advances_each_head_once_and_chains_like_single_entries(world):
    """Issue 22: an import of 5,000 people audits in a few queries, and the chain still verifies."""
    from django.test.utils import CaptureQueriesContext

    audit.record(world.committee, "a.single", world.branch_a1)
    people = [world.members["secretary"], world.members["member"], world.members["outsider"]] * 20
    with CaptureQueriesContext(connection) as queries:
        entries = audit.record_many(world.committee, "a.batch", people, after=lambda m: {"name": m.name})
    locks = [q for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1 and len(queries.captured_queries) <= 4, [q["sql"][:80] for q in queries]
    assert len(entries) == 60 and all(e.pk for e in entries)
    stored = list(AuditEntry.objects.filter(action="a.batch").order_by("id"))
    assert [e.seq for e in stored] == list(range(stored[0].seq, stored[0].seq + 60))
    assert {e.chain for e in stored} == {stored[0].chain}
    assert stored[0].after == {"name": "secretary-党员"} and stored[1].organization_id == world.branch_a1.pk
    audit.record(world.committee, "a.after", world.branch_a1)
    assert audit_chain.verify()["ok"]
