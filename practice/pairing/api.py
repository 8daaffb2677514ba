"""/api/v1/pairings/ and /api/v1/joint-activities/: read and write through the same services, same scope."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.api.base import ScopedModelViewSet
from branches.models import Member, Organization

from ..api_common import call
from . import services
from .models import ActivityKind, ActivityPhoto, JointActivity, Pairing, PartnerKind


class PairingSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    activity_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Pairing
        fields = [
            "id",
            "organization",
            "organization_name",
            "partner_name",
            "partner_kind",
            "partner_district",
            "partner_contact",
            "partner_organization",
            "start_date",
            "goals",
            "annual_plan",
            "end_date",
            "end_reason",
            "is_active",
            "activity_count",
        ]
        read_only_fields = ["end_date", "end_reason"]


class PairingCreateSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    partner_name = serializers.CharField(max_length=100)
    partner_kind = serializers.ChoiceField(choices=PartnerKind.choices)
    partner_district = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    partner_contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    partner_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, default=None
    )
    start_date = serializers.DateField()
    goals = serializers.CharField(required=False, allow_blank=True, default="")
    annual_plan = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # choices limited to the caller's scope
            self.fields["organization"].queryset = Organization.objects.visible_to(request.user, "practice.manage")


class PairingUpdateSerializer(serializers.Serializer):
    partner_name = serializers.CharField(max_length=100, required=False)
    partner_kind = serializers.ChoiceField(choices=PartnerKind.choices, required=False)
    partner_district = serializers.CharField(max_length=50, required=False, allow_blank=True)
    partner_contact = serializers.CharField(max_length=100, required=False, allow_blank=True)
    goals = serializers.CharField(required=False, allow_blank=True)
    annual_plan = serializers.CharField(required=False, allow_blank=True)


class EndSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PairingViewSet(ScopedModelViewSet):
    queryset = Pairing.objects.select_related("organization").annotate(activity_count=Count("activities"))
    serializer_class = PairingSerializer
    write_scope_action = "manage"  # record, edit and end: our side's managers only
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("organization__path", "-start_date", "id")

    @extend_schema(request=PairingCreateSerializer, responses={201: PairingSerializer})
    def create(self, request, *args, **kwargs):
        s = PairingCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        pairing = call(services.create_pairing, actor=request.user, **s.validated_data)
        pairing = self.queryset.get(pk=pairing.pk)
        return Response(PairingSerializer(pairing).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PairingUpdateSerializer, responses={200: PairingSerializer})
    def partial_update(self, request, *args, **kwargs):
        pairing = self.get_object()
        s = PairingUpdateSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        call(services.update_pairing, actor=request.user, pairing=pairing, **s.validated_data)
        return Response(PairingSerializer(self.queryset.get(pk=pairing.pk)).data)

    @extend_schema(request=EndSerializer, responses={200: PairingSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        pairing = self.get_object()
        s = EndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        call(services.end_pairing, actor=request.user, pairing=pairing, **s.validated_data)
        return Response(PairingSerializer(self.queryset.get(pk=pairing.pk)).data)


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityPhoto
        fields = ["id", "original_name", "content_type", "size"]


class ActivitySerializer(serializers.ModelSerializer):
    participants = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = JointActivity
        fields = [
            "id",
            "pairing",
            "kind",
            "title",
            "date",
            "place",
            "participants",
            "outside_count",
            "results",
            "photos",
        ]


class ActivityCreateSerializer(serializers.Serializer):
    pairing = serializers.PrimaryKeyRelatedField(queryset=Pairing.objects.all())
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    participants = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.for_choices(), many=True, required=False, default=list
    )
    outside_count = serializers.IntegerField(min_value=0, default=0)
    results = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["pairing"].queryset = Pairing.objects.visible_to(request.user, "change")
            self.fields["participants"].child_relation.queryset = Member.objects.visible_to(request.user).for_choices()


class PhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class JointActivityViewSet(ScopedModelViewSet):
    queryset = JointActivity.objects.prefetch_related("participants", "photos").order_by("-date", "-id")
    serializer_class = ActivitySerializer
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ActivityCreateSerializer, responses={201: ActivitySerializer})
    def create(self, request, *args, **kwargs):
        s = ActivityCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        activity = call(services.log_activity, actor=request.user, **s.validated_data)
        return Response(ActivitySerializer(self.queryset.get(pk=activity.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer}, responses={201: PhotoSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def photos(self, request, pk=None):
        activity = self.get_object()
        s = PhotoUploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        photo = call(services.add_photo, actor=request.user, activity=activity, uploaded=s.validated_data["file"])
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)
