"""API of the register: members (ID numbers always masked), terms with their committee, transfers."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ..crypto import blind_index
from ..idnumbers import normalise
from ..models import (
    CommitteeSeat,
    Member,
    MemberCategory,
    MemberStatus,
    Organization,
    Term,
    TermChange,
    Transfer,
)
from ..models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES, Gender
from .base import ScopedReadOnlyViewSet


class MemberSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    # Blank when unknown: declared so the schema admits "" alongside the choices.
    gender = serializers.ChoiceField(choices=Gender.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "organization",
            "organization_name",
            "party_group",
            "category",
            "category_display",
            "status",
            "status_display",
            "id_number",
            "phone",
            "gender",
            "ethnicity",
            "birth_date",
            "education",
            "job_title",
            "join_date",
            "full_date",
        ]
        read_only_fields = fields


class IdSearchSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=40)


class MemberFilter(django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label="subtree of organisation id")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    # F10: an ID number never travels in a URL; look it up with POST /members/search/ instead.
    category = django_filters.ChoiceFilter(choices=MemberCategory.choices)
    status = django_filters.ChoiceFilter(choices=MemberStatus.choices)
    stage = django_filters.ChoiceFilter(choices=[("party", "party"), ("pipeline", "pipeline")], method="filter_stage")

    class Meta:
        model = Member
        fields = ["organization", "category", "status"]

    def filter_within(self, queryset, name, value):
        root = Organization.objects.filter(pk=value).only("path").first()
        return queryset.filter(organization__path__startswith=root.path) if root else queryset.none()

    def filter_stage(self, queryset, name, value):
        if value == "party":
            return queryset.filter(category__in=PARTY_MEMBER_CATEGORIES, status__in=ACTIVE_STATUSES)
        return queryset.exclude(category__in=PARTY_MEMBER_CATEGORIES)


class MemberViewSet(ScopedReadOnlyViewSet):
    """Members in the caller's scope. ``id_number`` is always masked here."""

    queryset = Member.objects.select_related("organization").order_by("organization__path", "name", "id")
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    search_fields = ["name"]
    ordering_fields = ["name", "join_date", "category", "id"]

    @extend_schema(request=IdSearchSerializer, responses=MemberSerializer(many=True))
    @action(detail=False, methods=["post"])
    def search(self, request):
        """Members (in the caller's scope) with this exact ID number, sent in the body, never the URL."""
        data = IdSearchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        digest = blind_index(normalise(data.validated_data["id_number"]))
        qs = (
            Member.objects.visible_to(request.user, "view").filter(id_number_hash=digest).select_related("organization")
        )
        return Response(MemberSerializer(qs, many=True).data)


class SeatSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    position_name = serializers.CharField(source="position.name", read_only=True)

    class Meta:
        model = CommitteeSeat
        fields = ["id", "member", "member_name", "position", "position_name", "votes", "start", "end"]


class TermSerializer(serializers.ModelSerializer):
    seats = SeatSerializer(many=True, read_only=True)

    class Meta:
        model = Term
        fields = [
            "id",
            "organization",
            "number",
            "start",
            "end",
            "election_date",
            "expected_voters",
            "present_voters",
            "change",
            "approval_authority",
            "approval_reference",
            "approval_date",
            "seats",
        ]


class TermFilter(django_filters.FilterSet):
    end_before = django_filters.DateFilter(field_name="end", lookup_expr="lte")

    class Meta:
        model = Term
        fields = ["organization", "change"]


class TermRecordSerializer(serializers.Serializer):
    """The page's term form: an election record, refused with the rule named when invalid."""

    organization = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True, default=None)
    election_date = serializers.DateField(required=False, allow_null=True, default=None)
    expected_voters = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    present_voters = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    change = serializers.ChoiceField(choices=TermChange.choices, default=TermChange.REGULAR)
    approval_authority = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    approval_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    approval_date = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TermViewSet(ScopedReadOnlyViewSet):
    queryset = (
        Term.objects.select_related("organization")
        .prefetch_related("seats__member", "seats__position")
        .order_by("organization_id", "-start")
    )
    serializer_class = TermSerializer
    filterset_class = TermFilter

    @extend_schema(request=TermRecordSerializer, responses=TermSerializer)
    @action(detail=False, methods=["post"])
    def record(self, request):
        """Record a new term (election) for an organisation in the caller's scope (404 outside)."""
        from ..register import services as register

        data = TermRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        org = get_object_or_404(
            Organization.objects.visible_to(request.user, "member.change"), pk=fields.pop("organization")
        )
        term = register.record_term(actor=request.user, organization=org, **fields)
        return Response(TermSerializer(term).data, status=201)


class TransferSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    from_org_name = serializers.CharField(source="from_org.name", read_only=True)
    to_org_name = serializers.CharField(source="to_org.name", read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "member",
            "member_name",
            "from_org",
            "from_org_name",
            "to_org",
            "to_org_name",
            "scope",
            "letter_number",
            "issued_on",
            "expires_on",
            "status",
            "reason",
            "decision_reason",
            "decided_at",
        ]


class TransferViewSet(ScopedReadOnlyViewSet):
    queryset = Transfer.objects.select_related("member", "from_org", "to_org").order_by("-issued_on", "-id")
    serializer_class = TransferSerializer
    filterset_fields = ["status", "from_org", "to_org", "member"]
