"""/api/v1/member-*: the member file, read and written through the same services as the pages."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api.base import ScopedViewSetMixin
from ..models import Member, Organization
from ..models.members import SECRET_FIELDS
from . import services
from .models import (
    AbroadRecord,
    CareKind,
    CareRecord,
    DisciplineKind,
    LostContactRecord,
    MobileRecord,
    RecordKind,
    RewardDiscipline,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


@extend_schema_field(OpenApiTypes.INT)
class MemberInScope(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        orgs = Organization.objects.visible_to(self.context["request"].user, "memberfile.change")
        return Member.objects.filter(organization__in=orgs.values("pk")).defer(*SECRET_FIELDS)


class FileViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    input_serializer = None

    def get_queryset(self):
        return super().get_queryset().select_related("member").defer(*(f"member__{f}" for f in SECRET_FIELDS))

    def create(self, request, *args, **kwargs):
        parsed = self.input_serializer(data=request.data, context=self.get_serializer_context())
        parsed.is_valid(raise_exception=True)
        obj = self.perform(parsed.validated_data)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def run(self, request, input_class, call):
        parsed = input_class(data=request.data)
        parsed.is_valid(raise_exception=True)
        return Response(self.get_serializer(call(self.get_object(), parsed.validated_data)).data)


# --- Mobility ------------------------------------------------------------------------------


class MobileActivitySerializer(serializers.Serializer):
    date = serializers.DateField()
    organization_name = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=300)


class MobileRecordSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    contact = serializers.CharField(source="contact_masked", read_only=True)
    activities = MobileActivitySerializer(many=True, read_only=True)

    class Meta:
        model = MobileRecord
        fields = [
            "id",
            "member",
            "member_name",
            "place",
            "since",
            "until",
            "contact",
            "receiving_org",
            "card_no",
            "note",
            "activities",
        ]
        read_only_fields = fields


class MobileInput(serializers.Serializer):
    member = MemberInScope()
    place = serializers.CharField(max_length=200)
    since = serializers.DateField()
    contact = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    receiving_org = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    card_no = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class UntilInput(serializers.Serializer):
    until = serializers.DateField()


@extend_schema(request=MobileInput, responses={201: MobileRecordSerializer}, methods=["POST"])
class MobileRecordViewSet(FileViewSet):
    queryset = MobileRecord.objects.prefetch_related("activities")
    serializer_class = MobileRecordSerializer
    input_serializer = MobileInput

    def perform(self, d):
        return services.record_mobile(actor=self.request.user, **d)

    @extend_schema(request=UntilInput, responses=MobileRecordSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self.run(request, UntilInput, lambda r, d: services.end_mobile(actor=request.user, record=r, **d))

    @extend_schema(request=MobileActivitySerializer, responses=MobileRecordSerializer)
    @action(detail=True, methods=["post"])
    def activity(self, request, pk=None):
        def call(record, d):
            services.add_mobile_activity(actor=request.user, record=record, **d)
            return MobileRecord.objects.prefetch_related("activities").select_related("member").get(pk=record.pk)

        return self.run(request, MobileActivitySerializer, call)


# --- Abroad --------------------------------------------------------------------------------


class AbroadRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = AbroadRecord
        fields = ["id", "member", "destination", "purpose", "departed_on", "expected_return", "returned_on"]
        read_only_fields = fields


class AbroadInput(serializers.Serializer):
    member = MemberInScope()
    destination = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    departed_on = serializers.DateField()
    expected_return = serializers.DateField(required=False, allow_null=True, default=None)


class ReturnInput(serializers.Serializer):
    returned_on = serializers.DateField()


@extend_schema(request=AbroadInput, responses={201: AbroadRecordSerializer}, methods=["POST"])
class AbroadRecordViewSet(FileViewSet):
    queryset = AbroadRecord.objects.all()
    serializer_class = AbroadRecordSerializer
    input_serializer = AbroadInput

    def perform(self, d):
        return services.record_abroad(actor=self.request.user, **d)

    @extend_schema(request=ReturnInput, responses=AbroadRecordSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def returned(self, request, pk=None):
        return self.run(request, ReturnInput, lambda r, d: services.record_return(actor=request.user, record=r, **d))


# --- Lost contact --------------------------------------------------------------------------------


class LostContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = LostContactRecord
        fields = ["id", "member", "last_contact_on", "search_steps", "found_on"]
        read_only_fields = fields


class LostContactInput(serializers.Serializer):
    member = MemberInScope()
    last_contact_on = serializers.DateField()
    search_steps = serializers.CharField()


class StepInput(serializers.Serializer):
    step = serializers.CharField(max_length=300)
    on = serializers.DateField(required=False, default=None)


class FoundInput(serializers.Serializer):
    found_on = serializers.DateField()


@extend_schema(request=LostContactInput, responses={201: LostContactSerializer}, methods=["POST"])
class LostContactViewSet(FileViewSet):
    queryset = LostContactRecord.objects.all()
    serializer_class = LostContactSerializer
    input_serializer = LostContactInput

    def perform(self, d):
        return services.record_lost_contact(actor=self.request.user, **d)

    @extend_schema(request=StepInput, responses=LostContactSerializer)
    @action(detail=True, methods=["post"], url_path="search-step")
    def search_step(self, request, pk=None):
        def call(record, d):
            return services.add_search_step(
                actor=request.user, record=record, step=d["step"], on=d["on"] or timezone.localdate()
            )

        return self.run(request, StepInput, call)

    @extend_schema(request=FoundInput, responses=LostContactSerializer)
    @action(detail=True, methods=["post"])
    def found(self, request, pk=None):
        return self.run(request, FoundInput, lambda r, d: services.record_found(actor=request.user, record=r, **d))


# --- Rewards and discipline ----------------------------------------------------------------------------


class RewardDisciplineSerializer(serializers.ModelSerializer):
    # Blank on a reward: declared so the schema admits "" beside the choices.
    discipline = serializers.ChoiceField(choices=DisciplineKind.choices, allow_blank=True, read_only=True)

    class Meta:
        model = RewardDiscipline
        fields = [
            "id",
            "member",
            "kind",
            "title",
            "discipline",
            "document_no",
            "date",
            "issuing_body",
            "ends_on",
            "note",
        ]
        read_only_fields = fields


class RewardDisciplineInput(serializers.Serializer):
    member = MemberInScope()
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    title = serializers.CharField(max_length=200)
    discipline = serializers.ChoiceField(choices=DisciplineKind.choices, required=False, default="", allow_blank=True)
    document_no = serializers.CharField(max_length=100)
    date = serializers.DateField()
    issuing_body = serializers.CharField(max_length=200)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


@extend_schema(request=RewardDisciplineInput, responses={201: RewardDisciplineSerializer}, methods=["POST"])
class RewardDisciplineViewSet(FileViewSet):
    queryset = RewardDiscipline.objects.all()
    serializer_class = RewardDisciplineSerializer
    input_serializer = RewardDisciplineInput

    def perform(self, d):
        return services.record_reward_discipline(actor=self.request.user, **d)


# --- Care (sensitive) ----------------------------------------------------------------------------


class CareRecordSerializer(serializers.ModelSerializer):
    """``situation``, ``help_given`` and ``amount`` are null unless the caller may see care in clear."""

    situation = serializers.SerializerMethodField()
    help_given = serializers.SerializerMethodField()
    amount = serializers.SerializerMethodField()
    in_clear = serializers.SerializerMethodField()

    class Meta:
        model = CareRecord
        fields = ["id", "member", "kind", "date", "situation", "help_given", "amount", "in_clear"]
        read_only_fields = fields

    def _clear(self, obj) -> bool:
        return obj.member.organization_id in self.context.get("care_orgs", set())

    def get_in_clear(self, obj) -> bool:
        return self._clear(obj)

    def get_situation(self, obj) -> str | None:
        return obj.situation if self._clear(obj) else None

    def get_help_given(self, obj) -> str | None:
        return obj.help_given if self._clear(obj) else None

    @extend_schema_field(serializers.DecimalField(allow_null=True, **MONEY))
    def get_amount(self, obj):
        return f"{obj.amount:.2f}" if self._clear(obj) and obj.amount is not None else None


class CareInput(serializers.Serializer):
    member = MemberInScope()
    kind = serializers.ChoiceField(choices=CareKind.choices)
    date = serializers.DateField()
    situation = serializers.CharField()
    help_given = serializers.CharField(required=False, default="", allow_blank=True)
    amount = serializers.DecimalField(min_value=0, required=False, allow_null=True, default=None, **MONEY)


@extend_schema(request=CareInput, responses={201: CareRecordSerializer}, methods=["POST"])
class CareRecordViewSet(FileViewSet):
    queryset = CareRecord.objects.all()
    serializer_class = CareRecordSerializer
    input_serializer = CareInput

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            ctx["care_orgs"] = set(Organization.objects.visible_to(user, "care.view").values_list("pk", flat=True))
        return ctx

    def perform(self, d):
        return services.record_care(actor=self.request.user, **d)

    def _audited(self, records):
        orgs = self.get_serializer_context().get("care_orgs", set())
        services.care_viewed(self.request.user, [r for r in records if r.member.organization_id in orgs])

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._audited(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self._audited([obj])
        return Response(self.get_serializer(obj).data)
