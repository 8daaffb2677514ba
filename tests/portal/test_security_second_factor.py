"""TOTP second factor: required for committee staff, inspectors and admins; optional for others."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from branches.models import AuditEntry
from tests.conftest import totp_device_for
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _password_only(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("persona", ["committee", "inspector"])
def test_a_second_factor_role_without_a_device_is_sent_to_enrolment_from_every_page(world, persona):
    c = _password_only(getattr(world, persona))
    for url in (reverse("home"), reverse("me"), reverse("branches:organization_list"), reverse("session-list")):
        response = c.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("otp-setup"))


def test_a_committee_account_with_a_device_must_verify_before_any_page(world):
    totp_device_for(world.committee)
    c = _password_only(world.committee)
    response = c.get(reverse("branches:organization_list"))
    assert response["Location"].startswith(reverse("otp-verify"))


def test_a_committee_session_cannot_use_the_api_without_its_second_factor(world):
    c = _password_only(world.committee)
    response = c.get("/api/v1/organizations/")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_a_secretary_needs_no_second_factor(world):
    assert _password_only(world.secretary).get(reverse("me")).status_code == 200


def test_verifying_with_the_current_code_opens_the_portal_and_is_audited(world):
    device = totp_device_for(world.committee)
    c = _password_only(world.committee)
    response = c.post(reverse("otp-verify"), {"otp_token": _code(device), "next": "/orgs/"})
    assert response.status_code == 302 and response["Location"] == "/orgs/"
    assert c.get(reverse("branches:organization_list")).status_code == 200
    assert AuditEntry.objects.filter(action="otp.verified", actor=world.committee).exists()


def test_a_wrong_code_is_refused_with_a_message(world):
    totp_device_for(world.committee)
    c = _password_only(world.committee)
    response = c.post(reverse("otp-verify"), {"otp_token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["otp_token"]
    assert c.get(reverse("me")).status_code == 302


def test_enrolment_confirms_the_device_and_shows_ten_recovery_codes(world):
    c = _password_only(world.committee)
    page = c.get(reverse("otp-setup"))
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=world.committee, confirmed=False)
    response = c.post(reverse("otp-setup"), {"otp_token": _code(device)})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert c.get(reverse("me")).status_code == 200


def test_a_recovery_code_works_once(world):
    c = _password_only(world.committee)
    c.get(reverse("otp-setup"))
    device = TOTPDevice.objects.get(user=world.committee, confirmed=False)
    codes = c.post(reverse("otp-setup"), {"otp_token": _code(device)}).context["codes"]
    first = _password_only(world.committee)
    assert first.post(reverse("otp-verify"), {"otp_token": codes[0]}).status_code == 302
    second = _password_only(world.committee)
    assert second.post(reverse("otp-verify"), {"otp_token": codes[0]}).status_code == 200
    assert StaticToken.objects.filter(device__user=world.committee).count() == 9


def test_a_committee_token_needs_the_otp_code(world):
    device = totp_device_for(world.committee)
    api = APIClient()
    url = reverse("api-token")
    refused = api.post(url, {"username": "committee", "password": PASSWORD}, REMOTE_ADDR="10.5.0.1")
    assert refused.status_code == 400
    granted = api.post(
        url, {"username": "committee", "password": PASSWORD, "otp": _code(device)}, REMOTE_ADDR="10.5.0.1"
    )
    assert granted.status_code == 200 and granted.json()["token"]


def test_a_token_can_be_revoked_by_its_owner(world):
    api = APIClient()
    token = api.post(reverse("api-token"), {"username": "secretary", "password": PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/organizations/").status_code == 200
    assert api.delete(reverse("api-token")).status_code == 204
    assert api.get("/api/v1/organizations/").status_code == 401
    assert AuditEntry.objects.filter(action="token.revoked", actor=world.secretary).exists()


def test_the_test_helper_marks_committee_sessions_verified(client_for, world):
    assert client_for(world.committee).get(reverse("branches:organization_list")).status_code == 200


def test_a_security_administrator_resets_a_lost_second_factor_and_it_is_audited(client_for, world):
    from django.contrib.auth.models import Group

    from portal.security.services import reset_second_factor
    from tests.world import make_user

    secadmin = make_user("secadmin")
    secadmin.groups.add(Group.objects.get(name="安全管理员"))
    committee_browser = client_for(world.committee)
    reset_second_factor(actor=secadmin, user=world.committee)
    assert not TOTPDevice.objects.filter(user=world.committee).exists()
    assert committee_browser.get(reverse("me")).status_code == 302  # signed out everywhere
    assert AuditEntry.objects.filter(action="otp.reset", actor=secadmin).exists()


def test_only_a_security_administrator_may_reset_a_second_factor(world):
    from django.core.exceptions import PermissionDenied

    from portal.security.services import reset_second_factor

    totp_device_for(world.committee)
    with pytest.raises(PermissionDenied):
        reset_second_factor(actor=world.unit_admin, user=world.committee)
    assert TOTPDevice.objects.filter(user=world.committee).exists()


# --- Security review F1: a password alone never replaces a second factor -----------------


def test_a_password_only_session_cannot_open_enrolment_of_an_account_with_a_device(world):
    totp_device_for(world.committee)
    thief = _password_only(world.committee)
    response = thief.get(reverse("otp-setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-verify"))
    assert not TOTPDevice.objects.filter(user=world.committee, confirmed=False).exists()


def test_a_password_only_session_cannot_post_a_new_device_over_the_owners(world):
    owner_device = totp_device_for(world.committee)
    pending = TOTPDevice.objects.create(user=world.committee, name="attacker", confirmed=False)
    thief = _password_only(world.committee)
    response = thief.post(reverse("otp-setup"), {"otp_token": _code(pending)})
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp-verify"))
    assert TOTPDevice.objects.get(pk=owner_device.pk).confirmed
    pending.refresh_from_db()
    assert not pending.confirmed
    assert not AuditEntry.objects.filter(action__in=["otp.enrolled", "otp.replaced"]).exists()


def test_the_service_refuses_a_replacement_from_an_unverified_session(world):
    from django.core.exceptions import PermissionDenied

    from portal.security.services import confirm_totp

    owner_device = totp_device_for(world.committee)
    pending = TOTPDevice.objects.create(user=world.committee, name="new", confirmed=False)
    with pytest.raises(PermissionDenied):
        confirm_totp(actor=world.committee, device=pending, token=_code(pending), current_token=_code(owner_device))
    assert TOTPDevice.objects.get(pk=owner_device.pk).confirmed


def test_replacing_a_device_asks_for_the_current_code_even_when_verified(client_for, world):
    owner_device = totp_device_for(world.committee)
    c = client_for(world.committee)
    page = c.get(reverse("otp-setup"))
    assert page.status_code == 200 and "current_token" in page.context["form"].fields
    pending = TOTPDevice.objects.get(user=world.committee, confirmed=False)
    refused = c.post(reverse("otp-setup"), {"otp_token": _code(pending), "current_token": "000000"})
    assert refused.status_code == 200 and refused.context["form"].errors["current_token"]
    assert TOTPDevice.objects.get(pk=owner_device.pk).confirmed
    missing = c.post(reverse("otp-setup"), {"otp_token": _code(pending)})
    assert missing.context["form"].errors["current_token"]


def test_replacing_a_device_with_the_current_code_swaps_it_audits_and_tells_the_holder(
    client_for, world, django_capture_on_commit_callbacks
):
    from portal.notifications.models import Reminder

    owner_device = totp_device_for(world.committee)
    c = client_for(world.committee)
    c.get(reverse("otp-setup"))
    pending = TOTPDevice.objects.get(user=world.committee, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("otp-setup"), {"otp_token": _code(pending), "current_token": _code(owner_device)})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=world.committee).values_list("pk", flat=True)) == [pending.pk]
    assert AuditEntry.objects.filter(action="otp.replaced", actor=world.committee).exists()
    assert Reminder.objects.filter(kind="security.otp_replaced", recipient=world.committee).exists()


def test_first_enrolment_is_audited_and_tells_the_holder(world, django_capture_on_commit_callbacks):
    from portal.notifications.models import Reminder

    c = _password_only(world.inspector)
    c.get(reverse("otp-setup"))
    device = TOTPDevice.objects.get(user=world.inspector, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("otp-setup"), {"otp_token": _code(device)})
    assert AuditEntry.objects.filter(action="otp.enrolled", actor=world.inspector).exists()
    assert Reminder.objects.filter(kind="security.otp_enrolled", recipient=world.inspector).exists()


def test_the_session_key_rotates_after_the_second_factor(world):
    from portal.models import UserSession

    device = totp_device_for(world.committee)
    c = Client()
    assert c.post(reverse("login"), {"username": "committee", "password": PASSWORD}).status_code == 302
    before = c.session.session_key
    assert UserSession.objects.filter(session_key=before).exists()
    c.post(reverse("otp-verify"), {"otp_token": _code(device)})
    after = c.session.session_key
    assert after != before
    assert UserSession.objects.filter(session_key=after, user=world.committee).exists()
    assert not UserSession.objects.filter(session_key=before).exists()
    assert c.get(reverse("me")).status_code == 200
