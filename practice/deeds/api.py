"""/api/v1/deeds/: the 办实事 list, read and write through the same services as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from branches.api.base import ScopedModelViewSet
from branches.models import Member, Organization

from ..api_common import call
from . import services
from .models import Deed, DeedStatus


class DeedSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    published = serializers.SerializerMethodField()

    class Meta:
        model = Deed
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "title",
            "problem",
            "responsible_organization",
            "responsible_person",
            "deadline",
            "status",
            "result",
            "satisfaction",
            "completed_on",
            "published",
        ]

    def get_published(self, obj) -> bool:
        return obj.published_at is not None


class DeedCreateSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    title = serializers.CharField(max_length=200)
    problem = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, default=None
    )
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.for_choices(), required=False, allow_null=True, default=None
    )
    deadline = serializers.DateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            orgs = Organization.objects.visible_to(request.user, "practice.change")
            self.fields["organization"].queryset = orgs
            self.fields["responsible_organization"].queryset = orgs
            self.fields["responsible_person"].queryset = Member.objects.visible_to(request.user).for_choices()


class DeedUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    problem = serializers.CharField(required=False, allow_blank=True)
    deadline = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=DeedStatus.choices, required=False)
    result = serializers.CharField(required=False, allow_blank=True)
    satisfaction = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)


class PublishSerializer(serializers.Serializer):
    publish = serializers.BooleanField(default=True)


class DeedViewSet(ScopedModelViewSet):
    queryset = Deed.objects.select_related("organization").order_by("organization_id", "deadline", "id")
    serializer_class = DeedSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        year = self.request.query_params.get("year", "")
        return qs.filter(year=int(year)) if year.isdigit() else qs

    @extend_schema(request=DeedCreateSerializer, responses={201: DeedSerializer})
    def create(self, request, *args, **kwargs):
        s = DeedCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        deed = call(services.create_deed, actor=request.user, **s.validated_data)
        return Response(DeedSerializer(deed).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DeedUpdateSerializer, responses={200: DeedSerializer})
    def partial_update(self, request, *args, **kwargs):
        deed = self.get_object()
        s = DeedUpdateSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        deed = call(services.update_deed, actor=request.user, deed=deed, **s.validated_data)
        return Response(DeedSerializer(deed).data)

    @extend_schema(request=PublishSerializer, responses={200: DeedSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        deed = Deed.objects.visible_to(request.user, "manage").filter(pk=pk).first()
        if deed is None:  # publishing is for unit admins and the committee: 404 like anything out of scope
            raise NotFound
        s = PublishSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        deed = call(services.publish_deed, actor=request.user, deed=deed, **s.validated_data)
        return Response(DeedSerializer(deed).data)
