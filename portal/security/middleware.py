"""Idle timeout, the session registry, and the second factor required for some roles."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import requires_second_factor


def platform_mfa_passed(request) -> bool:
    from portal.sso.views import platform_mfa_passed as passed

    return passed(request)


TOUCH_EVERY_SECONDS = 60


class SessionActivityMiddleware:
    """Ends a session idle for SESSION_IDLE_SECONDS; keeps the "my sessions" list up to date."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and session is not None and user.is_authenticated:
            now = time.time()
            last = session.get("last_activity")
            started = session.get("login_at")
            if started is None:
                session["login_at"] = started = now
            if now - float(started) > settings.SESSION_COOKIE_AGE:
                # The absolute limit counts from the login and never slides with activity (F9).
                return self._end(
                    request,
                    _("You were signed out after %(hours)d hours; please log in again.")
                    % {"hours": settings.SESSION_COOKIE_AGE // 3600},
                )
            if last is not None and now - float(last) > settings.SESSION_IDLE_SECONDS:
                return self._end(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity. Please log in again.")
                    % {"minutes": settings.SESSION_IDLE_SECONDS // 60},
                )
            # Written at most once a minute: the idle timeout has minute granularity and
            # pages do not pay a session write on every request.
            if last is None or now - float(last) > TOUCH_EVERY_SECONDS:
                self._touch(request, session, now)
                session["last_activity"] = now
        return self.get_response(request)

    @staticmethod
    def _end(request, message):
        from portal.models import UserSession

        key = request.session.session_key
        logout(request)
        if key:
            UserSession.objects.filter(session_key=key).delete()
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        return redirect(f"{reverse('login')}?next={request.path}")

    @staticmethod
    def _touch(request, session, now):
        import datetime

        from portal.models import UserSession

        if session.session_key:
            UserSession.objects.filter(session_key=session.session_key).update(
                last_seen=datetime.datetime.fromtimestamp(now, tz=datetime.UTC)
            )


class SecondFactorMiddleware:
    """Roles that must use TOTP reach nothing but enrolment/verification until verified."""

    ALLOWED_PREFIXES = (
        "/accounts/2fa/",
        "/accounts/logout/",
        "/accounts/login/",
        "/static/",
        "/healthz",
        "/i18n/",
        "/favicon.ico",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not (user.is_verified() if hasattr(user, "is_verified") else False)
            and requires_second_factor(user)
            and not platform_mfa_passed(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Your account needs its second factor: verify it in the portal first.")}, status=403
                )
            from .services import has_confirmed_device

            target = "otp-verify" if has_confirmed_device(user) else "otp-setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and exports for a signed-in user are never kept by a browser or proxy cache (F13).

    They carry personal data; a shared computer's back button or a proxy must not show them again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or request.path.startswith("/api/")) and not request.path.startswith("/static/"):
            from django.utils.cache import patch_cache_control

            patch_cache_control(response, no_store=True, private=True)
        return response
