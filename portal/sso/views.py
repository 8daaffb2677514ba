"""Sign-on pages: the login page with the platform button, the redirects out, the callbacks, sign-out."""

from __future__ import annotations

import logging
import secrets
from xml.etree.ElementTree import ParseError

import requests
from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc.errors import JoseError

from branches import audit
from portal import outbound
from portal.security import client_ip

from . import cas, config, messengers, oidc
from .forms import PortalAuthenticationForm
from .services import PlatformIdentity, SignOnRefused, account_for

log = logging.getLogger(__name__)

SESSION_KEY = "sso"  # {"provider": ..., "id_token": ..., "mfa": bool} for a session signed in through a platform
NEXT_KEY = "sso_next"
STATE_KEY = "sso_state"  # 企业微信 / 钉钉: the state sent with the authorisation request
BACKEND = "branches.auth_backends.SealedGroupsBackend"
PROTOCOL_ERRORS = (
    OAuthError,
    JoseError,
    requests.RequestException,
    outbound.UnsafeURL,
    outbound.SendError,
    ParseError,
    ValueError,
    KeyError,
    TypeError,
    messengers.MessengerSignInError,
)


def platform_mfa_passed(request) -> bool:
    """The platform's second factor counts for this session (``SSO_TRUST_PLATFORM_MFA``)."""
    data = getattr(request, "session", {}).get(SESSION_KEY) or {}
    return bool(settings.SSO_TRUST_PLATFORM_MFA and data.get("mfa"))


def _absolute(request, path: str) -> str:
    base = (settings.NOTIFY_BASE_URL or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _safe_next(request, value) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure()):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


def _login_page(request, message: str, status: int = 403):
    context = {"form": PortalAuthenticationForm(request), "sso_error": message, "sso_buttons": buttons()}
    return render(request, "registration/login.html", context, status=status)


def buttons() -> list[dict]:
    protocols = config.enabled_protocols()
    platforms = [p for p in protocols if p in (config.OIDC, config.CAS)]
    label = _("Sign in with the unified identity platform")
    labels = {
        messengers.WECOM: _("Sign in with WeCom"),
        messengers.DINGTALK: _("Sign in with DingTalk"),
        **{p: label if len(platforms) == 1 else f"{label}（{p.upper()}）" for p in platforms},
    }
    return [{"url": reverse("sso-login", args=[p]), "label": labels[p], "protocol": p} for p in protocols]


class PortalLoginView(auth_views.LoginView):
    """The password login, with the platform's button(s) when sign-on is configured."""

    form_class = PortalAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_buttons"] = buttons()
        return context


@require_GET
def start(request, protocol):
    """Send the browser to the platform's login page."""
    if protocol not in config.enabled_protocols():
        raise Http404
    request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
    try:
        if protocol in (messengers.WECOM, messengers.DINGTALK):
            state = secrets.token_urlsafe(24)
            request.session[STATE_KEY] = {"protocol": protocol, "state": state}
            in_app = "wxwork" in request.headers.get("User-Agent", "").lower()
            callback = _absolute(request, reverse("sso-messenger-callback", args=[protocol]))
            return HttpResponseRedirect(
                messengers.authorize_url(protocol, redirect_uri=callback, state=state, in_app=in_app)
            )
        if protocol == config.OIDC:
            return oidc.client().authorize_redirect(request, _absolute(request, reverse("sso-oidc-callback")))
        service = _absolute(request, reverse("sso-cas-callback"))
        return HttpResponseRedirect(cas.client(service).get_login_url())
    except PROTOCOL_ERRORS as exc:
        log.warning("single sign-on %s could not start: %s", protocol, exc.__class__.__name__)
        audit.record(
            audit.SYSTEM,
            "sso.failed",
            object_type="portal.externalidentity",
            object_repr=protocol,
            after={"provider": protocol, "step": "start", "error": _error_text(exc)},
            ip=client_ip(request),
        )
        return _login_page(request, _("The identity platform cannot be reached now. Try again later."), 502)


def _error_text(exc) -> str:
    if isinstance(exc, outbound.UnsafeURL):
        return "; ".join(exc.messages)[:300]
    return f"{exc.__class__.__name__}: {exc}"[:300]


def _failed(request, protocol: str, exc) -> object:
    log.warning("single sign-on %s failed: %s", protocol, exc.__class__.__name__)
    audit.record(
        audit.SYSTEM,
        "sso.failed",
        object_type="portal.externalidentity",
        object_repr=protocol,
        after={"provider": protocol, "step": "callback", "error": _error_text(exc)},
        ip=client_ip(request),
    )
    return _login_page(
        request, _("Sign-in through the identity platform did not complete. Please click the button and try again.")
    )


def _sign_in(request, identity: PlatformIdentity, extra: dict):
    try:
        user = account_for(identity, ip=client_ip(request))
    except SignOnRefused as refused:
        return _login_page(request, refused.message)
    next_url = request.session.pop(NEXT_KEY, None) or reverse(settings.LOGIN_REDIRECT_URL)
    request.login_details = {"method": identity.provider, "platform_mfa": identity.mfa}
    auth_login(request, user, backend=BACKEND)
    request.session[SESSION_KEY] = {"provider": identity.provider, "mfa": identity.mfa, **extra}
    return redirect(_safe_next(request, next_url))


@require_GET
def oidc_callback(request):
    if not config.oidc_enabled():
        raise Http404
    try:
        token = oidc.client().authorize_access_token(request)
        claims = oidc.claims_from(token)
    except PROTOCOL_ERRORS as exc:
        return _failed(request, config.OIDC, exc)
    identity = PlatformIdentity(
        provider=config.OIDC,
        subject=str(claims.get(settings.SSO_OIDC_SUBJECT_CLAIM) or ""),
        match_value=str(claims.get(settings.SSO_OIDC_MATCH_CLAIM) or ""),
        name=str(claims.get("name") or ""),
        mfa=oidc.platform_mfa(claims),
    )
    return _sign_in(request, identity, {"id_token": token.get("id_token", "")})


@csrf_exempt  # the CAS server's back-channel single sign-out POST; a GET carries the ticket
@require_http_methods(["GET", "POST"])
def cas_callback(request):
    if not config.cas_enabled():
        raise Http404
    if request.method == "POST":
        return cas_single_logout(request)
    ticket = request.GET.get("ticket", "")
    if not ticket or len(ticket) > 256:
        return _login_page(request, _("The identity platform sent no valid ticket. Please try again."), 400)
    service = _absolute(request, reverse("sso-cas-callback"))
    try:
        username, attributes, _pgt = cas.client(service).verify_ticket(ticket)
    except PROTOCOL_ERRORS as exc:
        return _failed(request, config.CAS, exc)
    if not username:
        return _failed(request, config.CAS, ValueError("ticket not valid"))
    attributes = attributes or {}
    name = settings.SSO_CAS_MATCH_ATTRIBUTE
    identity = PlatformIdentity(
        provider=config.CAS,
        subject=str(username),
        match_value=cas.first(attributes.get(name)) if name else str(username),
        name=cas.first(attributes.get("displayName") or attributes.get("cn")),
        mfa=cas.platform_mfa(attributes),
    )
    response = _sign_in(request, identity, {})
    if request.user.is_authenticated:
        cas.remember_ticket(ticket, request.session.session_key)
    return response


def cas_single_logout(request):
    """The CAS server says a ticket's single sign-on session ended: end the portal session it opened."""
    user = cas.end_session_for(request.POST.get("logoutRequest", ""))
    if user is not None:
        audit.record(user, "logout", user, after={"via": "cas single logout"}, ip=client_ip(request))
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def logout(request):
    """End the portal session, then the platform's where the protocol allows it."""
    data = request.session.get(SESSION_KEY) or {}
    after = _absolute(request, reverse("login"))
    target = ""
    if data.get("provider") == config.OIDC and config.oidc_enabled():
        target = oidc.logout_url(id_token=data.get("id_token", ""), after=after)
    elif data.get("provider") == config.CAS and config.cas_enabled():
        target = cas.logout_url(after)
    auth_logout(request)
    return HttpResponseRedirect(target or reverse(settings.LOGOUT_REDIRECT_URL))


@require_GET
def messenger_callback(request, protocol):
    """企业微信 / 钉钉 come back with a one-time code (钉钉 calls it authCode) and our state."""
    if protocol not in messengers.enabled():
        raise Http404
    sent = request.session.pop(STATE_KEY, None) or {}
    state = request.GET.get("state", "")
    if sent.get("protocol") != protocol or not state or not secrets.compare_digest(sent.get("state", ""), state):
        return _failed(request, protocol, OAuthError(error="state", description="state mismatch"))
    code = request.GET.get("code") or request.GET.get("authCode") or ""
    try:
        identity = messengers.identity(protocol, code)
    except PROTOCOL_ERRORS as exc:
        return _failed(request, protocol, exc)
    return _sign_in(request, identity, {})
