"""What is configured: read from settings at each call, so tests and deployments can change them."""

from django.conf import settings

OIDC = "oidc"
CAS = "cas"


def oidc_enabled() -> bool:
    return bool(settings.SSO_OIDC_ISSUER and settings.SSO_OIDC_CLIENT_ID and settings.SSO_OIDC_CLIENT_SECRET)


def cas_enabled() -> bool:
    return bool(settings.SSO_CAS_SERVER_URL)


def enabled_protocols() -> list[str]:
    """Every configured way in: the identity platform (OIDC, CAS), then 企业微信 and 钉钉."""
    from .messengers import enabled as messengers_enabled

    return [p for p, on in ((OIDC, oidc_enabled()), (CAS, cas_enabled())) if on] + messengers_enabled()


def platform_urls() -> list[str]:
    urls = []
    if oidc_enabled():
        urls.append(settings.SSO_OIDC_ISSUER)
        from .oidc import cached_end_session_endpoint

        end = cached_end_session_endpoint()
        if end:
            urls.append(end)
    if cas_enabled():
        urls.append(settings.SSO_CAS_SERVER_URL)
    return urls


def password_login_allowed(user) -> bool:
    """Whether ``user`` may still log in with a portal password (``SSO_PASSWORD_LOGIN``)."""
    allowed = {item.lower() for item in settings.SSO_PASSWORD_LOGIN}
    if not enabled_protocols() or "all" in allowed:
        return True
    if "none" in allowed or user is None:
        return False
    if user.is_superuser and "superuser" in allowed:
        return True
    if user.is_staff and "staff" in allowed:
        return True
    if "security_admin" in allowed and user.groups.exists():
        # The 三员 (security, audit and system administrators) are Django groups (admin_duties.py).
        return True
    from branches.access import roles_of

    return bool(roles_of(user) & allowed)
