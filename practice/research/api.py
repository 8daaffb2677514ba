"""/api/v1/research-topics/: read and write through the same services as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.api.base import ScopedModelViewSet
from branches.models import Member, Organization

from ..api_common import call
from . import services
from .models import OutcomeKind, ResearchOutcome, ResearchPhoto, ResearchTopic


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResearchOutcome
        fields = ["id", "kind", "description", "date"]


class ResearchPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResearchPhoto
        fields = ["id", "original_name", "content_type", "size"]


class ResearchTopicSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    photos = ResearchPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = ResearchTopic
        fields = [
            "id",
            "organization",
            "year",
            "title",
            "leader",
            "members",
            "plan",
            "report_filed_on",
            "outcomes",
            "photos",
        ]


class TopicCreateSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)
    leader = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.for_choices(), required=False, allow_null=True, default=None
    )
    members = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.for_choices(), many=True, required=False, default=list
    )
    plan = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organization"].queryset = Organization.objects.visible_to(request.user, "practice.change")
            people = Member.objects.visible_to(request.user).for_choices()
            self.fields["leader"].queryset = people
            self.fields["members"].child_relation.queryset = people


class OutcomeCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OutcomeKind.choices)
    description = serializers.CharField()
    date = serializers.DateField(required=False, allow_null=True, default=None)


class ReportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class PhotosUploadSerializer(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class ResearchTopicViewSet(ScopedModelViewSet):
    queryset = ResearchTopic.objects.prefetch_related("members", "outcomes", "photos").order_by(
        "organization_id", "-year", "id"
    )
    serializer_class = ResearchTopicSerializer
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=TopicCreateSerializer, responses={201: ResearchTopicSerializer})
    def create(self, request, *args, **kwargs):
        s = TopicCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        topic = call(services.create_topic, actor=request.user, **s.validated_data)
        return Response(ResearchTopicSerializer(self.queryset.get(pk=topic.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OutcomeCreateSerializer, responses={201: OutcomeSerializer})
    @action(detail=True, methods=["post"])
    def outcomes(self, request, pk=None):
        topic = self.get_object()
        s = OutcomeCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        outcome = call(services.add_outcome, actor=request.user, topic=topic, **s.validated_data)
        return Response(OutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": ReportUploadSerializer}, responses={200: ResearchTopicSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def report(self, request, pk=None):
        topic = self.get_object()
        s = ReportUploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        call(services.file_report, actor=request.user, topic=topic, uploaded=s.validated_data["file"])
        return Response(ResearchTopicSerializer(self.queryset.get(pk=topic.pk)).data)

    @extend_schema(request={"multipart/form-data": PhotosUploadSerializer}, responses={201: ResearchTopicSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        """Add photos (one or more ``photos`` parts); the same checks and limit as the page."""
        topic = self.get_object()
        s = PhotosUploadSerializer(data={"photos": request.FILES.getlist("photos")})
        s.is_valid(raise_exception=True)
        call(services.add_photos, actor=request.user, topic=topic, photos=s.validated_data["photos"])
        return Response(ResearchTopicSerializer(self.queryset.get(pk=topic.pk)).data, status=status.HTTP_201_CREATED)
