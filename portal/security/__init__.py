"""Accounts, sessions and second factors (issue 10). See docs/security.md."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The caller's IP: REMOTE_ADDR, or the last X-Forwarded-For hop behind our own proxy."""
    meta = getattr(request, "META", {})
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return meta.get("REMOTE_ADDR") or None


def requires_second_factor(user) -> bool:
    """Committee staff, inspectors, staff/superusers and the 三员 must use TOTP."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return False
    if user.is_superuser or user.is_staff:
        return True
    from branches.access import roles_of
    from branches.roles import Role

    return bool(roles_of(user) & {Role.COMMITTEE_STAFF, Role.INSPECTOR})


def is_admin_account(user) -> bool:
    """Accounts that need the longer admin password."""
    if user is None or getattr(user, "pk", None) is None:
        return bool(user is not None and (getattr(user, "is_staff", False) or getattr(user, "is_superuser", False)))
    if user.is_superuser or user.is_staff:
        return True
    from branches.access import roles_of
    from branches.roles import Role

    return Role.COMMITTEE_STAFF in roles_of(user)
