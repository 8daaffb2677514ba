"""OpenID Connect: authorization code with PKCE (S256), nonce and state, ID token signature and claims
checked against the platform's published keys, RP-initiated logout.

Authlib's Django client does the protocol (state and nonce kept in the session, the code verifier,
the token request, JWKS fetch and ID token validation); its HTTP session is ours, mounted on the
outbound gate (``transport``). The discovery document is read once and kept for an hour.
"""

from __future__ import annotations

import threading
import time

from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings

from portal import outbound

from . import transport

METADATA_MAX_AGE = 3600
_lock = threading.Lock()
_clients: dict[tuple, PlatformClient] = {}


class OutboundOAuth2Session(OAuth2Session):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        transport.mount(self)


class PlatformClient(DjangoOAuth2App):
    client_cls = OutboundOAuth2Session

    def load_server_metadata(self):
        if self._server_metadata_url:
            outbound.check_url(self._server_metadata_url)
        metadata = super().load_server_metadata()
        issuer = settings.SSO_OIDC_ISSUER
        if metadata.get("issuer", "").rstrip("/") != issuer:
            # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer we asked.
            self.server_metadata.pop("_loaded_at", None)
            raise outbound.SendError("the discovery document names another issuer")
        return metadata


def client() -> PlatformClient:
    key = (settings.SSO_OIDC_ISSUER, settings.SSO_OIDC_CLIENT_ID, settings.SSO_OIDC_CLIENT_SECRET)
    with _lock:
        found = _clients.get(key)
        loaded = found.server_metadata.get("_loaded_at") if found is not None else None
        if found is None or (loaded is not None and time.time() - loaded > METADATA_MAX_AGE):
            found = PlatformClient(
                DjangoIntegration("platform"),
                "platform",
                client_id=settings.SSO_OIDC_CLIENT_ID,
                client_secret=settings.SSO_OIDC_CLIENT_SECRET,
                server_metadata_url=f"{settings.SSO_OIDC_ISSUER}/.well-known/openid-configuration",
                client_kwargs={"scope": settings.SSO_OIDC_SCOPES, "code_challenge_method": "S256"},
            )
            _clients.clear()
            _clients[key] = found
        return found


def cached_end_session_endpoint() -> str:
    """The logout endpoint if the discovery document has been read (no request made here)."""
    key = (settings.SSO_OIDC_ISSUER, settings.SSO_OIDC_CLIENT_ID, settings.SSO_OIDC_CLIENT_SECRET)
    found = _clients.get(key)
    return (found.server_metadata.get("end_session_endpoint") or "") if found is not None else ""


def claims_from(token: dict) -> dict:
    """The ID token's validated claims, completed by the userinfo endpoint for what it lacks."""
    claims = dict(token.get("userinfo") or {})
    platform = client()
    if platform.server_metadata.get("userinfo_endpoint"):
        info = dict(platform.userinfo(token=token))
        if info.get("sub") != claims.get("sub"):
            # OIDC Core §5.3.2: a userinfo answer about someone else must not be used.
            raise outbound.SendError("userinfo names another subject")
        for name, value in info.items():
            claims.setdefault(name, value)
    return claims


def platform_mfa(claims: dict) -> bool:
    """Whether the platform says it asked for a second factor (RFC 8176 amr values, or an acr)."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if {str(v).lower() for v in amr} & {v.lower() for v in settings.SSO_MFA_AMR_VALUES}:
        return True
    return bool(claims.get("acr")) and claims.get("acr") in settings.SSO_MFA_ACR_VALUES


def logout_url(*, id_token: str, after: str) -> str:
    """The platform's end_session_endpoint with id_token_hint and where to come back, or ''."""
    try:
        result = client().create_logout_url(
            post_logout_redirect_uri=after, id_token_hint=id_token or None, client_id=settings.SSO_OIDC_CLIENT_ID
        )
    except (RuntimeError, outbound.UnsafeURL, outbound.SendError, OSError):
        return ""
    return result["url"]
