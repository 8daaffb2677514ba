"""CAS 2.0 / 3.0: the login redirect, service ticket validation, logout (python-cas).

python-cas is the protocol layer of django-cas-ng; its views are not used because they create or
refuse accounts their own way and answer a failed sign-in with a bare 403, where the portal needs
the same account matching, second-factor rule and audit for every protocol. Ticket validation goes
through the outbound gate (``transport``).
"""

from __future__ import annotations

from cas import CASClient
from django.conf import settings

from portal import outbound

from . import transport


def client(service_url: str):
    outbound.check_url(settings.SSO_CAS_SERVER_URL)
    return CASClient(
        version=settings.SSO_CAS_VERSION,
        service_url=service_url,
        server_url=settings.SSO_CAS_SERVER_URL,
        session=transport.session(),
    )


def first(value):
    """CAS attributes may repeat: the first value, as text."""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return "" if value is None else str(value)


def platform_mfa(attributes: dict) -> bool:
    name = settings.SSO_CAS_MFA_ATTRIBUTE
    if not name:
        return False
    values = attributes.get(name) or []
    if not isinstance(values, list | tuple):
        values = [values]
    return bool({str(v).lower() for v in values} & {v.lower() for v in settings.SSO_CAS_MFA_VALUES})


def logout_url(after: str) -> str:
    return CASClient(
        version=settings.SSO_CAS_VERSION, service_url=after, server_url=settings.SSO_CAS_SERVER_URL
    ).get_logout_url(redirect_url=after)


def _ticket_key(ticket: str) -> str:
    import hashlib

    return "sso-cas-ticket:" + hashlib.sha256(ticket.encode()).hexdigest()


def remember_ticket(ticket: str, session_key: str | None) -> None:
    """Which portal session a service ticket opened, for the server's single sign-out (digest only)."""
    from django.core.cache import cache

    if session_key:
        cache.set(_ticket_key(ticket), session_key, settings.SESSION_COOKIE_AGE)


def end_session_for(logout_request: str):
    """End the session opened by the ticket a CAS ``logoutRequest`` names; its user, or None."""
    from importlib import import_module

    from django.contrib.auth import SESSION_KEY, get_user_model
    from django.core.cache import cache
    from lxml import etree

    from portal.models import UserSession

    if not logout_request or len(logout_request) > 10000:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(logout_request.encode("utf-8"), parser=parser)
    except etree.XMLSyntaxError:
        return None
    index = root.find(".//{urn:oasis:names:tc:SAML:2.0:protocol}SessionIndex")
    ticket = (index.text or "").strip() if index is not None else ""
    if not ticket:
        return None
    session_key = cache.get(_ticket_key(ticket))
    if not session_key:
        return None
    cache.delete(_ticket_key(ticket))
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user_id = store.get(SESSION_KEY)
    store.delete()
    UserSession.objects.filter(session_key=session_key).delete()
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None
