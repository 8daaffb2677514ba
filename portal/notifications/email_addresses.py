"""People set their own e-mail address: a signed link sent to the new address confirms it.

Nothing is stored until the link is opened by the same person, signed in: the token carries the
user, the new address and the address it replaces, so a link stops working once the address has
changed in the meantime, and after ``EMAIL_VERIFY_MAX_AGE_SECONDS``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from branches import audit

from .channels import absolute

SALT = "portal.email-verify"


def _clean(address: str) -> str:
    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address.")) from None
    return address


def request_change(*, actor, address: str) -> str:
    """Send the confirmation link to ``address``; returns the token (tests, API)."""
    address = _clean(address)
    if address.lower() == (actor.email or "").lower():
        raise ValidationError(_("This is already your e-mail address."))
    token = signing.dumps({"u": actor.pk, "e": address, "old": actor.email or ""}, salt=SALT)
    link = absolute(reverse("notifications:email_verify", args=[token]))
    context = {"portal_name": settings.PORTAL_NAME, "link": link, "user": actor}
    message = EmailMultiAlternatives(
        subject=f"[{settings.PORTAL_NAME}] " + _("Confirm your e-mail address"),
        body=render_to_string("portal/email/verify.txt", context),
        to=[address],
    )
    message.attach_alternative(render_to_string("portal/email/verify.html", context), "text/html")
    try:
        message.send()
    except Exception:  # the mail server is down: say so, store nothing
        raise ValidationError(_("The confirmation e-mail could not be sent; try again later.")) from None
    audit.record(actor, "email.change_requested", actor, after={"email": _masked(address)})
    return token


def read_token(token: str) -> dict:
    try:
        return signing.loads(token, salt=SALT, max_age=settings.EMAIL_VERIFY_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise ValidationError(_("This confirmation link has expired; ask for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid.")) from None


@transaction.atomic
def confirm_change(*, actor, token: str):
    data = read_token(token)
    if data.get("u") != actor.pk:
        raise PermissionDenied(_("This confirmation link belongs to another account."))
    user = get_user_model().objects.select_for_update().get(pk=actor.pk)
    if (user.email or "") != data.get("old", ""):
        raise ValidationError(_("Your e-mail address has changed since this link was sent; ask for a new one."))
    before = {"email": _masked(user.email)}
    user.email = data["e"]
    user.save(update_fields=["email"])
    actor.email = user.email
    audit.record(actor, "email.changed", user, before=before, after={"email": _masked(user.email)})
    return user


def _masked(address: str | None) -> str:
    if not address or "@" not in address:
        return address or ""
    name, _sep, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"
