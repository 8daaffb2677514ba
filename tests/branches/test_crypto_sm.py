"""National cryptography for personal data: SM4-GCM, SM3, HMAC-SM3, rotation and migration (issue 24)."""

import base64
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

from branches import crypto, idnumbers
from branches.checks import crypto_keys
from branches.management.commands import reencrypt_fields
from branches.models import AuditEntry, Member, MemberCategory
from branches.services import create_member

ROOT = Path(__file__).resolve().parents[2]
VALID_ID = idnumbers.make("11010519491231002")
OTHER_ID = idnumbers.make("44030519800101123")
PHONE = "13912345678"


def _key(size=16) -> bytes:
    return os.urandom(size)


# --- National test vectors -------------------------------------------------------------


def test_sm4_block_cipher_matches_the_gb_t_32907_example():
    # GB/T 32907-2016 Appendix A, example 1: key = plaintext = 0123456789abcdeffedcba9876543210.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305  # nosec B305: one block, a test vector
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_matches_the_rfc_8998_vector():
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plain = bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD" * 1)
    plain += bytes.fromhex("EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
    ciphertext, tag = crypto.sm4_gcm_encrypt(key, nonce, plain, aad)
    assert ciphertext.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"
    assert crypto.sm4_gcm_decrypt(key, nonce, ciphertext, tag, aad) == plain


def test_sm3_matches_the_gb_t_32905_examples():
    assert crypto.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert crypto.sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_hmac_sm3_matches_the_gm_t_0042_vector():
    # GM/T 0042-2015 Appendix D.3: key 0x01..0x25, message 50 bytes of 0xcd.
    mac = crypto.hmac_sm3(bytes(range(1, 0x26)), b"\xcd" * 50)
    assert mac.hex() == "220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae"


# --- Field encryption -----------------------------------------------------------------


def test_values_are_sm4_gcm_with_the_key_version_and_a_fresh_nonce(settings):
    token = crypto.encrypt(VALID_ID)
    assert token.startswith(f"sm4g:v{settings.FIELD_SM4_KEY_VERSION}:")
    assert crypto.encrypt(VALID_ID) != token
    assert crypto.decrypt(token) == VALID_ID
    assert VALID_ID not in token


def test_an_altered_value_or_header_is_refused(settings):
    token = crypto.encrypt(VALID_ID)
    body = token.rsplit(":", 1)[1]
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    with pytest.raises(ValueError, match="integrity"):
        crypto.decrypt(token.rsplit(":", 1)[0] + ":" + flipped)
    settings.FIELD_SM4_KEYS = {**settings.FIELD_SM4_KEYS, 7: settings.FIELD_SM4_KEYS[1]}
    with pytest.raises(ValueError, match="integrity"):
        crypto.decrypt(token.replace("sm4g:v1:", "sm4g:v7:"))


def test_the_blind_index_is_hmac_sm3_under_its_own_key(settings):
    expected = crypto.hmac_sm3(settings.BLIND_INDEX_KEY, VALID_ID.encode()).hex()
    assert crypto.blind_index(f" {VALID_ID.lower()} ") == expected
    assert settings.BLIND_INDEX_KEY not in settings.FIELD_SM4_KEYS.values()


def test_integrity_macs_carry_their_key_version(settings):
    mac = crypto.integrity_mac(b"grant")
    assert mac.startswith(f"{settings.INTEGRITY_KEY_VERSION}:")
    assert crypto.integrity_ok(b"grant", mac)
    assert not crypto.integrity_ok(b"grant!", mac)
    assert not crypto.integrity_ok(b"grant", "9:" + mac.split(":")[1])
    assert not crypto.integrity_ok(b"grant", None)


# --- Rotation and migration ------------------------------------------------------------


def _member(world, name, id_number, phone=PHONE):
    return create_member(
        actor=world.secretary,
        organization=world.branch_a1,
        name=name,
        category=MemberCategory.FULL,
        id_number=id_number,
        phone=phone,
    )


def _raw(member, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM branches_member WHERE id = %s", [member.pk])  # noqa: S608
        return cursor.fetchone()[0]


def _run(*args) -> str:
    out = StringIO()
    call_command("reencrypt_fields", *args, stdout=out)
    return out.getvalue()


def _found_by_api(api_for, world, id_number) -> list[str]:
    # The ID number goes in the body of the search, never in a URL (security review F10).
    data = api_for(world.secretary).post("/api/v1/members/search/", {"id_number": id_number}, format="json").json()
    return [row["name"] for row in data]


@pytest.mark.django_db
def test_rotation_re_encrypts_every_row_and_the_old_key_can_then_be_removed(settings, world, api_for, tmp_path):
    settings.VAR_DIR = tmp_path
    old = dict(settings.FIELD_SM4_KEYS)
    first = _member(world, "甲", VALID_ID)
    second = _member(world, "乙", OTHER_ID, phone="")
    assert _raw(first, "id_number").startswith("sm4g:v1:")
    settings.FIELD_SM4_KEYS = {2: _key(), **old}
    settings.FIELD_SM4_KEY_VERSION = 2
    assert "2 values re-encrypted" in _run("--batch-size", "1")
    for member in (first, second):
        assert _raw(member, "id_number").startswith("sm4g:v2:")
    assert _raw(first, "phone").startswith("sm4g:v2:") and _raw(second, "phone") == ""
    settings.FIELD_SM4_KEYS = {2: settings.FIELD_SM4_KEYS[2]}  # the old key is gone
    assert Member.objects.get(pk=first.pk).phone == PHONE
    assert _found_by_api(api_for, world, VALID_ID) == ["甲"]
    assert "0 values re-encrypted" in _run()
    entry = AuditEntry.objects.filter(action="crypto.keys_rotated").earliest("id")
    assert entry.after["rows"]["branches.Member"] == 2 and entry.after["key_version"] == 2


@pytest.mark.django_db
def test_a_new_blind_index_key_is_applied_by_the_command_and_search_keeps_working(settings, world, api_for, tmp_path):
    settings.VAR_DIR = tmp_path
    _member(world, "甲", VALID_ID)
    settings.BLIND_INDEX_KEY = _key(32)
    assert _found_by_api(api_for, world, VALID_ID) == []  # stale until the command runs
    _run()
    assert _found_by_api(api_for, world, VALID_ID) == ["甲"]
    assert Member.objects.get(id_number_hash=crypto.blind_index(VALID_ID)).name == "甲"


@pytest.mark.django_db
def test_fernet_rows_migrate_to_sm4_gcm_after_a_dry_run_that_writes_nothing(settings, world, api_for, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.FIELD_CIPHER = "fernet"
    legacy = _member(world, "甲", VALID_ID)
    token = _raw(legacy, "id_number")
    assert token.startswith("gAAAAA")
    settings.FIELD_CIPHER = "sm4-gcm"
    assert Member.objects.get(pk=legacy.pk).id_number == VALID_ID  # the old algorithm stays readable
    assert reencrypt_fields.legacy_values() == 2
    assert "1 rows would be re-encrypted" in _run("--dry-run")
    assert _raw(legacy, "id_number") == token
    assert AuditEntry.objects.filter(action="crypto.reencrypt_checked").exists()
    _run()
    assert reencrypt_fields.legacy_values() == 0
    assert _raw(legacy, "id_number").startswith("sm4g:v1:")
    assert _found_by_api(api_for, world, VALID_ID) == ["甲"]


@pytest.mark.django_db
def test_an_interrupted_run_resumes_after_the_last_finished_batch(settings, world, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    settings.FIELD_CIPHER = "fernet"
    members = [_member(world, f"党员{i}", idnumbers.make(f"11010519800101{i:03d}")) for i in range(4)]
    settings.FIELD_CIPHER = "sm4-gcm"
    real, calls = reencrypt_fields._update, {"n": 0}

    def failing(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("connection lost")
        return real(*args)

    monkeypatch.setattr(reencrypt_fields, "_update", failing)
    with pytest.raises(RuntimeError):
        _run("--batch-size", "2")
    # The failed batch rolled back; the finished ones are recorded and done.
    state = json.loads((tmp_path / "reencrypt-fields.json").read_text())
    done = [m for m in members if _raw(m, "id_number").startswith("sm4g:")]
    assert done and len(done) < len(members)
    assert state["branches.Member"] >= done[-1].pk and state["branches.Member"] < members[-1].pk
    monkeypatch.setattr(reencrypt_fields, "_update", real)
    assert f"{len(members) - len(done)} values re-encrypted" in _run("--batch-size", "2")
    assert reencrypt_fields.legacy_values() == 0
    assert not (tmp_path / "reencrypt-fields.json").exists()


def _text_columns():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                yield model._meta.db_table, field.column


@pytest.mark.django_db
def test_no_text_column_anywhere_holds_a_plain_id_or_phone_number(settings, world, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.FIELD_CIPHER = "fernet"
    _member(world, "甲", VALID_ID)
    settings.FIELD_CIPHER = "sm4-gcm"
    _member(world, "乙", OTHER_ID)
    _run()
    q = connection.ops.quote_name
    hits = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            text = f"CAST({q(column)} AS TEXT)"
            sql = f"SELECT COUNT(*) FROM {q(table)} WHERE {text} LIKE %s OR {text} LIKE %s OR {text} LIKE %s"  # noqa: S608
            cursor.execute(sql, [f"%{VALID_ID}%", f"%{OTHER_ID}%", f"%{PHONE}%"])
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    assert hits == []
    assert reencrypt_fields.legacy_values() == 0


# --- Keys -------------------------------------------------------------------------------


def test_check_deploy_refuses_demo_keys_and_shared_keys(settings):
    assert {e.id for e in crypto_keys()} >= {"branches.E101"}
    settings.FIELD_SM4_KEYS = {1: _key()}
    settings.BLIND_INDEX_KEY = _key(32)
    settings.INTEGRITY_KEYS = {1: _key(32)}
    settings.FIELD_ENCRYPTION_KEYS = []
    assert crypto_keys() == []
    settings.INTEGRITY_KEYS = {1: settings.BLIND_INDEX_KEY}
    assert [e.id for e in crypto_keys()] == ["branches.E103"]
    settings.FIELD_SM4_KEYS = {}
    assert "branches.E102" in {e.id for e in crypto_keys()}


def _production_check(tmp_path, **env):
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_keys_or_with_a_key_file_in_the_repository_is_refused(tmp_path):
    missing = _production_check(tmp_path)
    assert missing.returncode != 0 and "branches.E102" in missing.stderr
    inside = _production_check(tmp_path, CRYPTO_KEY_FILE=str(ROOT / "keys.env"))
    assert inside.returncode != 0 and "CRYPTO_KEY_FILE" in inside.stderr
    key_file = tmp_path / "keys.env"
    key_file.write_text(
        "# portal keys\n"
        f"FIELD_SM4_KEYS=1:{base64.b64encode(_key()).decode()}\n"
        f"BLIND_INDEX_KEY={base64.b64encode(_key(32)).decode()}\n"
        f"INTEGRITY_KEYS=1:{base64.b64encode(_key(32)).decode()}\n"
    )
    good = _production_check(tmp_path, CRYPTO_KEY_FILE=str(key_file))
    assert "branches.E10" not in good.stdout + good.stderr
