from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from branches import audit
from portal.security import client_ip, requires_second_factor


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        write_only=True,
        help_text="Second-factor code (TOTP or recovery code); required for accounts that must use one.",
    )


class ObtainTokenView(APIView):
    """POST username and password (and ``otp`` where required) for a token; DELETE revokes yours.

    Accounts that must use a second factor (committee staff, inspectors, admins)
    get a token only with a valid ``otp`` code in the same request.
    """

    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def get_authenticators(self):
        from .auth import ExpiringTokenAuthentication

        if getattr(self, "request", None) is not None and self.request.method == "DELETE":
            return [ExpiringTokenAuthentication()]
        return []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "Token",
                {
                    "token": serializers.CharField(),
                    "expiry": serializers.DateTimeField(help_text="Dies if unused until then; each use extends it."),
                    "expires_at_latest": serializers.DateTimeField(help_text="Dies at this time whatever the use."),
                },
            )
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                from portal.security.views import lockout

                return lockout(request._request)
            return Response(
                {"detail": _("Wrong username or password."), "errors": serializer.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        user = serializer.validated_data["user"]
        from portal.sso.config import password_login_allowed

        if not password_login_allowed(user):
            # The same rule as the login page (SSO_PASSWORD_LOGIN): no password token for these accounts.
            audit.record(
                user, "login.refused", user, after={"via": "api-token", "reason": "use platform"}, ip=client_ip(request)
            )
            return Response(
                {"detail": _("This account signs in through the unified identity platform, not with a password.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        if requires_second_factor(user):
            from django_otp import match_token

            code = (serializer.validated_data.get("otp") or "").strip()
            if not code or match_token(user, code) is None:
                audit.record(user, "otp.failed", user, after={"via": "api-token"}, ip=client_ip(request))
                return Response(
                    {"detail": _("This account needs its second-factor code in the otp field.")},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        from portal.security import services

        row, key = services.issue_token(user=user, ip=client_ip(request))
        return Response(
            {"token": key, "expiry": row.expiry, "expires_at_latest": row.created + settings.API_TOKEN_LIFETIME}
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke the token this request was made with."""
        from portal.security import services

        services.revoke_token(actor=request.user, token=request.auth, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
