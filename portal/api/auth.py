"""API token authentication: django-rest-knox tokens (digests only in the database) that expire."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
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


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document describes the token header."""

    target_class = "portal.api.auth.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106 (a header prefix)
