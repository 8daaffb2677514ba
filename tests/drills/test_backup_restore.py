"""Backup and restore (docs/operations.md): pg_dump the database, restore into an empty one, same records."""

import shutil
import subprocess
from urllib.parse import urlparse

import pytest
from django.db import connection

from branches.models import AuditEntry, Member, MemberCategory, Organization
from branches.services import create_member

pytestmark = [pytest.mark.services]


def _pg_env(url):
    parsed = urlparse(url)
    env = {
        "PGHOST": parsed.hostname or "127.0.0.1",
        "PGPORT": str(parsed.port or 5432),
        "PGUSER": parsed.username or "",
    }
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return env


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_restored_into_an_empty_database_has_the_same_records(pg_url, world, tmp_path):
    import os

    import psycopg2

    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    create_member(
        actor=world.secretary,
        organization=world.branch_a1,
        name="备份测试",
        category=MemberCategory.FULL,
        phone="13900001111",
    )
    source = connection.settings_dict["NAME"]
    target = f"{source}_restore"
    env = {**os.environ, **_pg_env(pg_url)}
    dump = tmp_path / "portal.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source], env=env, check=True)
    subprocess.run(["dropdb", "--if-exists", target], env=env, check=True)
    subprocess.run(["createdb", target], env=env, check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)], env=env, check=True
        )
        conn = psycopg2.connect(dbname=target, **{k.lower()[2:]: v for k, v in _pg_env(pg_url).items()})
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT name FROM branches_organization ORDER BY id")
                restored_orgs = [r[0] for r in cur.fetchall()]
                cur.execute("SELECT id, name, phone FROM branches_member ORDER BY id")
                restored_members = cur.fetchall()
                cur.execute("SELECT count(*) FROM branches_auditentry")
                restored_audit = cur.fetchone()[0]
        finally:
            conn.close()
    finally:
        subprocess.run(["dropdb", "--if-exists", target], env=env, check=False)
    assert restored_orgs == list(Organization.objects.order_by("id").values_list("name", flat=True))
    assert [(m[0], m[1]) for m in restored_members] == list(Member.objects.order_by("id").values_list("id", "name"))
    # Encrypted values are restored as stored (ciphertext), and still decrypt with the same key.
    from branches.crypto import decrypt

    assert decrypt(restored_members[-1][2]) == "13900001111"
    assert restored_audit == AuditEntry.objects.count()
