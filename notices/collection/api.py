"""/api/v1/material-requests/ and /api/v1/submissions/: the same services as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.api.actions import form_schema, validated
from branches.api.base import FetchBeforeWriteMixin, ScopedViewSetMixin
from branches.models import Organization

from . import relay, services
from .forms import RelayForm
from .models import MaterialRequest, Submission, SubmissionStatus


class FieldSerializer(serializers.Serializer):
    key = serializers.CharField(required=False)
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=["text", "number", "date", "choice", "file"])
    choices = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    required = serializers.BooleanField(default=False)


class MaterialRequestSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    form_fields = FieldSerializer(many=True, read_only=True, source="fields")

    class Meta:
        model = MaterialRequest
        fields = [
            "id",
            "organization",
            "organization_name",
            "title",
            "instructions",
            "deadline",
            "form_fields",
            "status",
            "relayed_from",
        ]


class MaterialRequestCreateSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    title = serializers.CharField(max_length=200)
    instructions = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField()
    form_fields = FieldSerializer(many=True, required=False, default=list)
    targets = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True)

    def validate_organization(self, org):
        if (
            not Organization.objects.visible_to(self.context["request"].user, "collection.request")
            .filter(pk=org.pk)
            .exists()
        ):
            raise serializers.ValidationError(_("Choose an organisation you may collect material for."))
        return org


class OverviewSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    late = serializers.IntegerField()
    pending = serializers.IntegerField()
    draft = serializers.IntegerField()
    submitted = serializers.IntegerField()
    returned = serializers.IntegerField()
    accepted = serializers.IntegerField()


class SubmissionSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    request_title = serializers.CharField(source="request.title", read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "request",
            "request_title",
            "organization",
            "organization_name",
            "status",
            "answers",
            "note",
            "submitted_at",
            "is_late",
            "return_reason",
            "returned_count",
            "files",
        ]

    def get_files(self, obj) -> list[str]:
        return [f.original_name for f in obj.files.all()]


class AnswerSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class PassUpSerializer(serializers.Serializer):
    submit = serializers.BooleanField(required=False, default=False)


RelaySchema = form_schema(RelayForm, "RelayRequest")


class MaterialRequestViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = MaterialRequest.objects.select_related("organization").order_by("-created_at", "-id")
    serializer_class = MaterialRequestSerializer

    @extend_schema(request=MaterialRequestCreateSerializer, responses={201: MaterialRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = MaterialRequestCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        obj = services.create_request(actor=request.user, fields=d.pop("form_fields"), **d)
        return Response(MaterialRequestSerializer(obj).data, status=201)

    @extend_schema(responses=OverviewSerializer)
    @action(detail=True, methods=["get"])
    def overview(self, request, pk=None):
        from .views import status_counts

        return Response(status_counts(self.get_object()))

    @extend_schema(request=None, responses=MaterialRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return Response(
            MaterialRequestSerializer(services.close_request(actor=request.user, request=self.get_object())).data
        )


class SubmissionViewSet(
    FetchBeforeWriteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Targets see and answer their own; requesters see and review what was asked of others."""

    queryset = Submission.objects.all()
    serializer_class = SubmissionSerializer
    scoped = True
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        user = self.request.user
        if self.action in ("draft", "submit", "relay", "pass_up"):
            qs = Submission.objects.visible_to(user, "change")
        elif self.action in ("accept", "return_"):
            qs = Submission.objects.for_requester(user)
        else:
            qs = Submission.objects.accessible_to(user)
        qs = qs.select_related("organization", "request").prefetch_related("files").order_by("request_id", "id")
        status = self.request.query_params.get("status")
        if self.action == "list" and status in SubmissionStatus.values:
            qs = qs.filter(status=status)
        return qs

    def _answer(self, request, submit):
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        sub = services.save_answer(
            actor=request.user,
            submission=self.get_object(),
            answers=d["answers"],
            files={"": d["file"]} if d.get("file") else {},
            note=d["note"],
            submit=submit,
        )
        return Response(SubmissionSerializer(sub).data)

    @extend_schema(request=AnswerSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None):
        return self._answer(request, False)

    @extend_schema(request=AnswerSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._answer(request, True)

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return Response(
            SubmissionSerializer(services.accept_submission(actor=request.user, submission=self.get_object())).data
        )

    @extend_schema(request=ReturnSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sub = services.return_submission(actor=request.user, submission=self.get_object(), **data.validated_data)
        return Response(SubmissionSerializer(sub).data)

    @extend_schema(request=RelaySchema, responses={201: MaterialRequestSerializer})
    @action(detail=True, methods=["post"])
    def relay(self, request, pk=None):
        """Ask the organisations below the answering one the same questions (same form as the page)."""
        sub = self.get_object()
        d = validated(request, RelayForm, user=request.user, organization=sub.organization)
        req = relay.relay_request(
            actor=request.user,
            submission=sub,
            targets=d["target_list"],
            deadline=d["deadline"],
            instructions=d["instructions"],
        )
        return Response(MaterialRequestSerializer(req).data, status=201)

    @extend_schema(request=PassUpSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="pass-up")
    def pass_up(self, request, pk=None):
        """Gather the accepted answers from below into this submission; ``submit`` sends it up at once."""
        data = PassUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sub = relay.pass_up(actor=request.user, submission=self.get_object(), **data.validated_data)
        return Response(SubmissionSerializer(sub).data)
