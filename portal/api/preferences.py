"""``/api/v1/me/notification-preferences/``: the caller's channels, digest hour and quiet hours."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.notifications import services as service
from portal.notifications.models import NotificationPreference


class PreferenceSerializer(serializers.ModelSerializer):
    quiet_start = serializers.IntegerField(min_value=0, max_value=23, allow_null=True, required=False)
    quiet_end = serializers.IntegerField(min_value=0, max_value=23, allow_null=True, required=False)
    digest_hour = serializers.IntegerField(min_value=0, max_value=23, required=False)

    class Meta:
        model = NotificationPreference
        fields = service.PREF_FIELDS


class PreferenceView(APIView):
    @extend_schema(responses=PreferenceSerializer)
    def get(self, request):
        pref = service.preferences_for([request.user.pk])[request.user.pk]
        return Response(PreferenceSerializer(pref).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def patch(self, request):
        data = PreferenceSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        pref = service.update_preferences(actor=request.user, data=dict(data.validated_data))
        return Response(PreferenceSerializer(pref).data)
