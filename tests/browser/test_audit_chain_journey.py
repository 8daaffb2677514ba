"""The audit administrator verifies the HMAC-SM3 audit chain from the audit page (issue 24)."""

import pytest
from django.db import connection

from branches import audit
from tests.browser.test_security_journeys import _group
from tests.world import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_audit_administrator_verifies_the_chain_and_sees_a_tampered_entry(login, page, live_server):
    auditor = make_user("chain-auditor")
    auditor.groups.add(_group("审计管理员"))
    entry = audit.record(audit.SYSTEM, "thing.changed", object_type="x.y", object_repr="原始记录")
    login("chain-auditor")
    page.goto(f"{live_server.url}/security/audit/")
    page.get_by_test_id("audit-verify").click()
    page.get_by_test_id("audit-chain-ok").wait_for()
    assert "完好" in page.get_by_test_id("audit-verification").inner_text()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE branches_auditentry SET object_repr = '篡改' WHERE id = %s", [entry.pk])
    page.get_by_test_id("audit-verify").click()
    page.get_by_test_id("audit-chain-broken").wait_for()
    assert str(entry.pk) in page.get_by_test_id("audit-verification").inner_text()
