"""/api/v1/first-secretaries/: the roster and its quarterly reports, through the same services as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.api.base import ScopedModelViewSet
from branches.models import Member, Organization

from ..api_common import call
from . import services
from .models import FirstSecretary, VillageReport


class VillageReportSerializer(serializers.ModelSerializer):
    files = serializers.SlugRelatedField(many=True, read_only=True, slug_field="original_name")

    class Meta:
        model = VillageReport
        fields = ["id", "quarter", "content", "filed_on", "files"]


class FirstSecretarySerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    reports = VillageReportSerializer(many=True, read_only=True)

    class Meta:
        model = FirstSecretary
        fields = [
            "id",
            "organization",
            "member",
            "member_name",
            "village",
            "township",
            "term_start",
            "term_end",
            "reports",
        ]


class AppointSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.for_choices())
    village = serializers.CharField(max_length=100)
    township = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    term_start = serializers.DateField()
    term_end = serializers.DateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organization"].queryset = Organization.objects.visible_to(request.user, "practice.manage")
            self.fields["member"].queryset = Member.objects.visible_to(request.user).for_choices()


class ReportCreateSerializer(serializers.Serializer):
    quarter = serializers.CharField(max_length=7)
    content = serializers.CharField()
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class FirstSecretaryViewSet(ScopedModelViewSet):
    queryset = (
        FirstSecretary.objects.select_related("member").prefetch_related("reports__files").order_by("term_end", "id")
    )
    serializer_class = FirstSecretarySerializer
    http_method_names = ["get", "post", "head", "options"]
    action_scopes = {"reports": "view"}  # the first secretary files their own report on a posting they see

    @extend_schema(request=AppointSerializer, responses={201: FirstSecretarySerializer})
    def create(self, request, *args, **kwargs):
        s = AppointSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        posting = call(services.appoint, actor=request.user, **s.validated_data)
        return Response(FirstSecretarySerializer(self.queryset.get(pk=posting.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReportCreateSerializer, responses={201: VillageReportSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def reports(self, request, pk=None):
        posting = self.get_object()
        data = request.data
        if request.FILES:  # multipart: the files as a list, the rest as given
            data = {**{k: data.get(k) for k in data if k != "files"}, "files": request.FILES.getlist("files")}
        s = ReportCreateSerializer(data=data)
        s.is_valid(raise_exception=True)
        report = call(services.file_report, actor=request.user, posting=posting, **s.validated_data)
        return Response(VillageReportSerializer(report).data, status=status.HTTP_201_CREATED)
