"""``/api/v1/me/email/``: set one's own e-mail address (a confirmation link goes to it) and confirm it."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.notifications import email_addresses


class EmailRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class EmailConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    email = serializers.EmailField(required=False)


class EmailChangeView(APIView):
    @extend_schema(request=EmailRequestSerializer, responses={202: DetailSerializer})
    def post(self, request):
        data = EmailRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email_addresses.request_change(actor=request.user, address=data.validated_data["email"])
        return Response({"detail": _("A confirmation link was sent to the new address.")}, status=202)


class EmailConfirmView(APIView):
    @extend_schema(request=EmailConfirmSerializer, responses=DetailSerializer)
    def post(self, request):
        data = EmailConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = email_addresses.confirm_change(actor=request.user, token=data.validated_data["token"])
        return Response({"detail": _("Your e-mail address is confirmed."), "email": user.email})
