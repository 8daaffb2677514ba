"""Key rotation for encrypted personal data, and logs without ID or phone numbers."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from branches import idnumbers
from branches.crypto import blind_index
from branches.models import AuditEntry, Member, MemberCategory
from branches.services import create_member
from portal.security.logfilters import MaskPersonalDataFilter, mask_text

pytestmark = pytest.mark.django_db

OLD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="
VALID_ID = idnumbers.make("11010519491231002")


def _raw(member, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM branches_member WHERE id = %s", [member.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_rotation_re_encrypts_under_the_new_key_and_lookups_keep_working(settings, world):
    # The legacy Fernet mode (FIELD_CIPHER=fernet); SM4-GCM rotation: tests/branches/test_crypto_sm.py.
    settings.FIELD_CIPHER = "fernet"
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    member = create_member(
        actor=world.secretary,
        organization=world.branch_a1,
        name="甲",
        category=MemberCategory.FULL,
        id_number=VALID_ID,
        phone="13912345678",
    )
    old_token = _raw(member, "id_number")
    hash_before = Member.objects.get(pk=member.pk).id_number_hash
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, OLD_KEY]
    call_command("rotate_field_keys", "--batch-size", "1")
    new_token = _raw(member, "id_number")
    assert new_token != old_token
    assert Fernet(new_key.encode()).decrypt(new_token.encode()).decode() == VALID_ID
    assert Fernet(new_key.encode()).decrypt(_raw(member, "phone").encode()).decode() == "13912345678"
    # The blind index is keyed with the last key, so it is unchanged and lookups still match.
    assert blind_index(VALID_ID) == hash_before
    assert Member.objects.get(id_number_hash=blind_index(VALID_ID)).id_number == VALID_ID
    assert AuditEntry.objects.filter(action="crypto.keys_rotated").exists()


def test_a_second_rotation_run_changes_nothing(settings, world):
    settings.FIELD_CIPHER = "fernet"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), OLD_KEY]
    create_member(
        actor=world.secretary, organization=world.branch_a1, name="乙", category=MemberCategory.FULL, id_number=VALID_ID
    )
    call_command("rotate_field_keys")
    from io import StringIO

    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "0 values re-encrypted" in out.getvalue()


def test_log_messages_never_show_id_or_phone_numbers(caplog):
    logger = logging.getLogger("portal.test")
    logger.addFilter(MaskPersonalDataFilter())
    try:
        with caplog.at_level(logging.INFO, logger="portal.test"):
            logger.info("import row %s phone %s", VALID_ID, "13912345678")
    finally:
        logger.filters.clear()
    text = caplog.text
    assert VALID_ID not in text and "13912345678" not in text
    assert VALID_ID[:3] + "*" * 11 + VALID_ID[-4:] in text
    assert "139****5678" in text


def test_the_mask_leaves_ordinary_numbers_alone():
    assert mask_text("order 12345 at 2026-05-01") == "order 12345 at 2026-05-01"


def test_error_reports_mask_personal_numbers_in_posted_data(rf):
    from portal.security.logfilters import MaskingExceptionReporterFilter

    request = rf.post("/x/", {"id_number": VALID_ID, "note": "call 13912345678"})
    params = MaskingExceptionReporterFilter().get_post_parameters(request)
    assert VALID_ID not in str(params) and "13912345678" not in str(params)


def test_the_console_log_handler_masks_personal_numbers():
    from django.conf import settings

    assert "mask_personal_data" in settings.LOGGING["handlers"]["console"]["filters"]


def test_unmasking_needs_the_permission_and_is_audited(world):
    from django.core.exceptions import PermissionDenied

    from branches.services import unmask_member

    member = create_member(
        actor=world.secretary, organization=world.branch_a1, name="丙", category=MemberCategory.FULL, id_number=VALID_ID
    )
    assert unmask_member(actor=world.secretary, member=member, ip="10.2.2.2") == VALID_ID
    entry = AuditEntry.objects.get(action="member.unmask.id_number")
    assert entry.actor == world.secretary and entry.ip == "10.2.2.2"
    assert VALID_ID not in str(entry.before) + str(entry.after)
    for persona in ("member", "outsider"):
        with pytest.raises(PermissionDenied):
            unmask_member(actor=getattr(world, persona), member=member)
