"""API token authentication: django-rest-knox tokens (digests only in the database) that expire."""

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; an unknown, idle or expired token gets one clear message."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed(
                _("The token is invalid or has expired. Request a new one at /api/v1/auth/token/.")
            ) from exc
