"""A platform identity becomes a portal sign-in: matched once, stored, audited.

The first time a platform's user id is seen it is matched to a portal account by the configured
key (``SSO_MATCH_BY``: employee number, mobile number in the member register, or user name) and
stored as an ``ExternalIdentity``; from then on the stored link decides, whatever the key says.
Nothing matched: a clear message, and no account unless ``SSO_CREATE_ACCOUNTS`` is on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from branches import audit
from portal.notifications.models import ExternalIdentity


class SignOnRefused(Exception):
    """The platform vouched for someone the portal will not sign in; ``message`` says why, in Chinese."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class PlatformIdentity:
    provider: str  # an IdentityProvider value: oidc, cas, wecom, dingtalk
    subject: str  # the platform's stable user id
    match_value: str = ""  # the employee number / mobile / user name it gave
    name: str = ""
    mfa: bool = False  # the platform itself asked for a second factor


def _match(identity: PlatformIdentity):
    """The one active account the key names, or None; more than one is refused (ambiguous)."""
    value = identity.match_value.strip()
    if not value:
        return []
    User = get_user_model()
    how = settings.SSO_MATCH_BY
    if how == "employee_number":
        return list(User.objects.filter(employee_number=value)[:2])
    if how == "mobile":
        from branches.crypto import MobileIndexField
        from branches.models import Member

        digest = MobileIndexField.digest(value)
        if not digest:
            return []
        owners = Member.objects.filter(phone_hash=digest, user__isnull=False).values("user_id")
        return list(User.objects.filter(pk__in=owners)[:2])
    return list(User.objects.filter(username=value)[:2])


def _refuse(identity: PlatformIdentity, reason: str, message: str, *, ip=None, user=None):
    audit.record(
        audit.SYSTEM,
        "sso.refused",
        user,
        object_type=None if user is not None else "portal.externalidentity",
        object_id=None if user is not None else identity.subject[:64],
        object_repr=None if user is not None else f"{identity.provider}:{identity.subject}"[:200],
        after={
            "provider": identity.provider,
            "subject": identity.subject,
            "reason": reason,
            "match_by": settings.SSO_MATCH_BY,
        },
        ip=ip,
    )
    raise SignOnRefused(message, reason=reason)


@transaction.atomic
def _link(identity: PlatformIdentity, user, matched_by: str, *, ip=None) -> ExternalIdentity:
    link = ExternalIdentity.objects.create(
        user=user, provider=identity.provider, subject=identity.subject, matched_by=matched_by
    )
    audit.record(
        audit.SYSTEM,
        "sso.linked",
        link,
        after={
            "user": user.get_username(),
            "provider": identity.provider,
            "subject": identity.subject,
            "matched_by": matched_by,
        },
        ip=ip,
    )
    return link


@transaction.atomic
def _create_account(identity: PlatformIdentity, *, ip=None):
    User = get_user_model()
    base = (
        identity.match_value if settings.SSO_MATCH_BY == "username" else ""
    ) or f"{identity.provider}-{identity.subject}"
    username = base[:150]
    if User.objects.filter(username=username).exists():
        username = f"{identity.provider}-{identity.subject}"[:150]
    user = User(username=username, full_name=identity.name[:50])
    if settings.SSO_MATCH_BY == "employee_number" and identity.match_value:
        user.employee_number = identity.match_value[:50]
    user.set_unusable_password()
    user.save()
    audit.record(
        audit.SYSTEM,
        "user.created_by_sso",
        user,
        after={"username": user.username, "provider": identity.provider, "subject": identity.subject},
        ip=ip,
    )
    return user


def account_for(identity: PlatformIdentity, *, ip=None):
    """The portal account this platform identity signs in as; raises ``SignOnRefused``."""
    if not identity.subject:
        _refuse(identity, "no subject", _("The identity platform did not say who you are. Please try again."), ip=ip)
    link = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=identity.provider, subject=identity.subject)
        .first()
    )
    if link is not None:
        user = link.user
    else:
        found = _match(identity)
        if len(found) > 1:
            _refuse(
                identity,
                "ambiguous",
                _(
                    "The identity platform confirmed who you are, but more than one portal account matches. "
                    "Ask your unit's party admin to sort out the accounts."
                ),
                ip=ip,
            )
        if found:
            user, matched_by = found[0], settings.SSO_MATCH_BY
        elif settings.SSO_CREATE_ACCOUNTS:
            user, matched_by = _create_account(identity, ip=ip), "created"
        else:
            _refuse(
                identity,
                "no match",
                _(
                    "The identity platform confirmed who you are, but no portal account matches you "
                    "(matched by %(key)s). Ask your unit's party admin to create your account or record "
                    "your %(key)s on it, then sign in again."
                )
                % {"key": match_label()},
                ip=ip,
            )
        if ExternalIdentity.objects.filter(provider=identity.provider, user=user).exists():
            _refuse(
                identity,
                "account linked to another platform user",
                _(
                    "Your portal account is already linked to another user of the identity platform. "
                    "Ask a security administrator to check the link."
                ),
                ip=ip,
                user=user,
            )
        try:
            _link(identity, user, matched_by, ip=ip)
        except IntegrityError:  # a second sign-in of the same person raced us: the stored link decides
            user = (
                ExternalIdentity.objects.select_related("user")
                .get(provider=identity.provider, subject=identity.subject)
                .user
            )
    if not user.is_active:
        _refuse(
            identity,
            "account disabled",
            _("Your portal account is disabled. Ask your unit's party admin."),
            ip=ip,
            user=user,
        )
    return user


def match_label() -> str:
    return {
        "username": _("user name"),
        "employee_number": _("employee number"),
        "mobile": _("mobile number"),
    }[settings.SSO_MATCH_BY]
