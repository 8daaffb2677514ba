"""Accounts, sessions and second factors (issue 10). See docs/security.md."""

from django.conf import settings


def _trusted_networks():
    import ipaddress

    return [ipaddress.ip_network(p, strict=False) for p in getattr(settings, "TRUSTED_PROXIES", [])]


def _is_trusted(address: str, networks) -> bool:
    import ipaddress

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, unless it is a trusted proxy (``TRUSTED_PROXIES``).

    Behind trusted proxies the client is the right-most X-Forwarded-For hop that is not itself a
    trusted proxy; a header sent by anyone else is ignored, so a client cannot choose its address.
    """
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR") or None
    networks = _trusted_networks()
    if not remote or not networks or not _is_trusted(remote, networks):
        return remote
    hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    import ipaddress

    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:  # not an address: the proxy did not write it; do not believe it
                return remote
    return remote


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
