"""/api/v1/notices/: read (senders and recipients) and write through the same services as the pages."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.api.base import FetchBeforeWriteMixin
from branches.models import Organization
from branches.roles import Role

from . import services, statistics
from .models import (
    AudienceKind,
    Classification,
    Notice,
    NoticeAudience,
    NoticeCategory,
    NoticeFile,
    NoticeRecipient,
    NoticeVersion,
)


class AudienceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeAudience
        fields = ["kind", "organization", "include_subtree", "role", "user"]


class NoticeFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeFile
        fields = ["id", "original_name", "content_type", "size", "doc_number", "classification"]


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeVersion
        fields = ["number", "title", "change_note", "created_at"]


class NoticeSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    audience = AudienceSerializer(many=True, read_only=True)
    files = NoticeFileSerializer(many=True, read_only=True)
    versions = VersionSerializer(many=True, read_only=True)
    read = serializers.BooleanField(read_only=True, source="is_read", allow_null=True, default=None)
    signed = serializers.BooleanField(read_only=True, source="is_signed", allow_null=True, default=None)

    class Meta:
        model = Notice
        fields = [
            "id",
            "organization",
            "organization_name",
            "category",
            "title",
            "body",
            "status",
            "requires_receipt",
            "receipt_deadline",
            "published_at",
            "withdrawn_at",
            "withdraw_reason",
            "version",
            "recipient_count",
            "audience",
            "files",
            "versions",
            "read",
            "signed",
        ]


class AudienceLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AudienceKind.choices)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    include_subtree = serializers.BooleanField(default=True)
    role = serializers.ChoiceField(choices=Role.choices, required=False, allow_blank=True, default="")
    user = serializers.PrimaryKeyRelatedField(
        queryset=NoticeRecipient._meta.get_field("user").related_model.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )


class NoticeCreateSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    category = serializers.ChoiceField(choices=NoticeCategory.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    audience = AudienceLineSerializer(many=True)
    requires_receipt = serializers.BooleanField(default=False)
    receipt_deadline = serializers.DateField(required=False, allow_null=True, default=None)
    receipt_working_days = serializers.IntegerField(required=False, allow_null=True, default=None)
    publish = serializers.BooleanField(default=True)
    publish_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_organization(self, org):
        # Outside the caller's sending scope reads as "no such organisation".
        user = self.context["request"].user
        if not Organization.objects.visible_to(user, "notice.send").filter(pk=org.pk).exists():
            raise serializers.ValidationError(_("Choose an organisation you may send notices for."))
        return org


class SignSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class CorrectSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    change_note = serializers.CharField(max_length=300)


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    doc_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    classification = serializers.ChoiceField(choices=Classification.choices, default=Classification.PUBLIC)


class ReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeRecipient
        fields = ["user", "organization", "read_at", "signed_at", "reply"]


class StatsRowSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    read = serializers.IntegerField()
    signed = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    total = StatsRowSerializer()
    rows = StatsRowSerializer(many=True)


class RemindSerializer(serializers.Serializer):
    reminded = serializers.IntegerField()


def _row(r):
    return {
        "organization": r.organization.pk,
        "name": r.organization.name,
        "total": r.total,
        "read": r.read,
        "signed": r.signed,
    }


class NoticeViewSet(
    FetchBeforeWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Senders see the notices of their organisations; recipients the ones they received.

    Retrieving a notice as a recipient records the read, as opening the page does.
    """

    serializer_class = NoticeSerializer
    queryset = Notice.objects.all()
    scoped = True
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        user = self.request.user
        if self.request.method in ("GET", "HEAD", "OPTIONS") and self.action not in ("stats",):
            mine = NoticeRecipient.objects.filter(notice=OuterRef("pk"), user=user)
            qs = Notice.objects.accessible_to(user).annotate(
                is_read=Exists(mine.filter(read_at__isnull=False)),
                is_signed=Exists(mine.filter(signed_at__isnull=False)),
            )
        elif self.action == "sign":
            qs = Notice.objects.accessible_to(user)
        else:
            qs = Notice.objects.visible_to(user, "change")
        return (
            qs.select_related("organization")
            .prefetch_related("audience", "files", "versions")
            .order_by("-published_at", "-id")
        )

    def retrieve(self, request, *args, **kwargs):
        notice = self.get_object()
        if not notice.is_scheduled():
            services.record_read(actor=request.user, notice=notice)
        return Response(self.get_serializer(notice).data)

    @extend_schema(request=NoticeCreateSerializer, responses={201: NoticeSerializer})
    def create(self, request, *args, **kwargs):
        data = NoticeCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        notice = services.create_notice(actor=request.user, **data.validated_data)
        return Response(NoticeSerializer(notice).data, status=201)

    def _done(self, notice):
        notice = self.get_queryset().model.objects.select_related("organization").get(pk=notice.pk)
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._done(services.publish_notice(actor=request.user, notice=self.get_object()))

    @extend_schema(request=SignSerializer, responses=ReceiptSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        data = SignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.sign_notice(actor=request.user, notice=self.get_object(), reply=data.validated_data["reply"])
        return Response(ReceiptSerializer(row).data)

    @extend_schema(request=None, responses=RemindSerializer)
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        return Response({"reminded": services.remind_unsigned(actor=request.user, notice=self.get_object())})

    @extend_schema(request=WithdrawSerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(services.withdraw_notice(actor=request.user, notice=self.get_object(), **data.validated_data))

    @extend_schema(request=CorrectSerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        data = CorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(services.correct_notice(actor=request.user, notice=self.get_object(), **data.validated_data))

    @extend_schema(request=FileUploadSerializer, responses={201: NoticeFileSerializer})
    @action(detail=True, methods=["post"])
    def files(self, request, pk=None):
        data = FileUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        att = services.add_file(
            actor=request.user,
            notice=self.get_object(),
            uploaded=data.validated_data["file"],
            doc_number=data.validated_data["doc_number"],
            classification=data.validated_data["classification"],
        )
        return Response(NoticeFileSerializer(att).data, status=201)

    @extend_schema(responses=StatsSerializer)
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        notice = self.get_object()
        total, rows = statistics.breakdown(notice, notice.organization)
        return Response({"total": _row(total), "rows": [_row(r) for r in rows]})
