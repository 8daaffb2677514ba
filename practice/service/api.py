"""/api/v1/community-reports/, /api/v1/residences/, /api/v1/volunteer-services/: read and write through the
same services as the pages, same scope (404 outside)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.base import ScopedModelViewSet
from branches.models import Member, Organization

from ..api_common import call
from . import services
from .models import CommunityReport, ResidenceRegistration, VolunteerService


class CommunityReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommunityReport
        fields = ["id", "organization", "community", "district", "contact", "reported_on"]


class CommunityReportCreateSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    community = serializers.CharField(max_length=100)
    district = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reported_on = serializers.DateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organization"].queryset = Organization.objects.visible_to(request.user, "practice.manage")


class CommunityReportViewSet(ScopedModelViewSet):
    queryset = CommunityReport.objects.order_by("organization_id", "-reported_on", "id")
    serializer_class = CommunityReportSerializer
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=CommunityReportCreateSerializer, responses={201: CommunityReportSerializer})
    def create(self, request, *args, **kwargs):
        s = CommunityReportCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        report = call(services.report_unit, actor=request.user, **s.validated_data)
        return Response(CommunityReportSerializer(report).data, status=status.HTTP_201_CREATED)


def _members_for(request):
    """The caller's own register entry and the members they may see."""
    return Member.objects.visible_to(request.user).for_choices()


class ResidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidenceRegistration
        fields = ["id", "member", "community", "district", "registered_on"]


class ResidenceWriteSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.none())
    community = serializers.CharField(max_length=100)
    district = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    registered_on = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "request" in self.context:
            self.fields["member"].queryset = _members_for(self.context["request"])


class ResidenceViewSet(ScopedModelViewSet):
    queryset = ResidenceRegistration.objects.order_by("id")
    serializer_class = ResidenceSerializer
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ResidenceWriteSerializer, responses={201: ResidenceSerializer})
    def create(self, request, *args, **kwargs):
        s = ResidenceWriteSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        row = call(services.register_residence, actor=request.user, **s.validated_data)
        return Response(ResidenceSerializer(row).data, status=status.HTTP_201_CREATED)


class VolunteerServiceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = VolunteerService
        fields = [
            "id",
            "member",
            "member_name",
            "date",
            "community",
            "activity",
            "hours",
            "status",
            "confirmer",
            "confirmed_at",
            "note",
        ]


class ServiceWriteSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.none())
    date = serializers.DateField()
    community = serializers.CharField(max_length=100)
    activity = serializers.CharField(max_length=200)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "request" in self.context:
            self.fields["member"].queryset = _members_for(self.context["request"])


class ConfirmSerializer(serializers.Serializer):
    confirmer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    confirmed = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class VolunteerServiceViewSet(ScopedModelViewSet):
    queryset = VolunteerService.objects.select_related("member").order_by("-date", "-id")
    serializer_class = VolunteerServiceSerializer
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ServiceWriteSerializer, responses={201: VolunteerServiceSerializer})
    def create(self, request, *args, **kwargs):
        s = ServiceWriteSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        row = call(services.log_service, actor=request.user, **s.validated_data)
        return Response(VolunteerServiceSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConfirmSerializer, responses={200: VolunteerServiceSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        row = self.get_object()
        s = ConfirmSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        row = call(services.confirm_service, actor=request.user, service=row, **s.validated_data)
        return Response(VolunteerServiceSerializer(row).data)
