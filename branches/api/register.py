"""API of the register: members (ID numbers always masked), terms with their committee, transfers.

Every register page's write is here too, through the page's form and the same service: add and edit a member,
record a development step, issue a transfer letter, accept or reject one, record a term (election), add and end
a committee seat. Objects outside the caller's scope are 404, as on the pages.
"""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import register
from ..crypto import blind_index
from ..idnumbers import normalise
from ..models import (
    CommitteeSeat,
    DevelopmentStep,
    Member,
    MemberCategory,
    MemberStatus,
    Organization,
    Term,
    Transfer,
)
from ..models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES, Gender
from ..register.forms import MemberForm, RejectForm, SeatForm, StepForm, TermForm, TransferForm
from ..services import create_member, unmask_member, update_member
from .actions import form_schema, valid_form, validated
from .base import ScopedReadOnlyViewSet


class ChoiceLabelField(serializers.CharField):
    """A choice column's label, as ``get_<field>_display()`` gives it. Read from the column itself: a
    bound method as ``source`` makes DRF inspect its signature on every row (a third of a 50-row page)."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


class MemberSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    category_display = ChoiceLabelField(MemberCategory.choices, source="category")
    status_display = ChoiceLabelField(MemberStatus.choices, source="status")
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


MemberInput = form_schema(MemberForm, "MemberInput")
StepInput = form_schema(StepForm, "DevelopmentStepInput")
TransferInput = form_schema(TransferForm, "TransferInput")
RejectInput = form_schema(RejectForm, "TransferRejectInput")
SeatInput = form_schema(SeatForm, "CommitteeSeatInput")


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = DevelopmentStep
        fields = ["id", "member", "kind", "date", "note"]


class UnmaskedSerializer(serializers.Serializer):
    id_number = serializers.CharField(help_text="the full ID number (the reveal is audited)")


class IdSearchSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=40)


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
    action_scopes = {"unmask": "unmask"}  # only who may see the full ID number finds the member here

    def _answer(self, member, code=status.HTTP_200_OK):
        return Response(MemberSerializer(self.queryset.get(pk=member.pk)).data, status=code)

    @extend_schema(request=MemberInput, responses={201: MemberSerializer})
    def create(self, request):
        """Add a member to the register (the page "add a member"): organisation in the caller's scope."""
        form = valid_form(request, MemberForm, user=request.user)
        return self._answer(create_member(actor=request.user, **form.service_kwargs()), status.HTTP_201_CREATED)

    @extend_schema(request=MemberInput, responses=MemberSerializer)
    def update(self, request, pk=None):
        """Edit a member (every field, as the page posts them); an empty ID number or phone keeps the stored one."""
        member = self.get_object()
        data = valid_form(request, MemberForm, user=request.user, instance=member).service_kwargs()
        update_member(actor=request.user, member=member, id_number=data.pop("id_number", None), **data)
        return self._answer(member)

    @extend_schema(request=StepInput, responses={201: StepSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """Record a step of the development pipeline (application, activist, candidate, admission, ...)."""
        member = self.get_object()
        step = register.record_step(actor=request.user, member=member, **validated(request, StepForm))
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransferInput, responses={201: TransferSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Issue a transfer letter (组织关系介绍信) to another organisation."""
        member = self.get_object()
        letter = register.issue_transfer(
            actor=request.user, member=member, **validated(request, TransferForm, member=member)
        )
        return Response(TransferSerializer(letter).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=UnmaskedSerializer)
    @action(detail=True, methods=["post"])
    def unmask(self, request, pk=None):
        """Show the member's full ID number (the page's "show in full"); every reveal is in the audit log."""
        member = self.get_object()
        value = unmask_member(actor=request.user, member=member, ip=request.META.get("REMOTE_ADDR"))
        return Response({"id_number": value})

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


TermRecordInput = form_schema(
    TermForm, "TermRecordInput", extra={"organization": serializers.IntegerField(help_text="organisation id")}
)


class TermViewSet(ScopedReadOnlyViewSet):
    queryset = (
        Term.objects.select_related("organization")
        .prefetch_related("seats__member", "seats__position")
        .order_by("organization_id", "-start")
    )
    serializer_class = TermSerializer
    filterset_class = TermFilter

    @extend_schema(request=TermRecordInput, responses={201: TermSerializer})
    @action(detail=False, methods=["post"])
    def record(self, request):
        """Record a new term (election) for an organisation in the caller's scope (404 outside)."""
        org_id = request.data.get("organization")
        org = get_object_or_404(
            Organization.objects.visible_to(request.user, "member.change"),
            pk=org_id if str(org_id).isdigit() else 0,
        )
        term = register.record_term(actor=request.user, organization=org, **validated(request, TermForm))
        return Response(TermSerializer(term).data, status=201)

    @extend_schema(request=SeatInput, responses={201: SeatSerializer})
    @action(detail=True, methods=["post"])
    def seats(self, request, pk=None):
        """Record a committee member (an elected seat) in this term."""
        term = self.get_object()
        data = validated(request, SeatForm, user=request.user, organization=term.organization)
        return Response(SeatSerializer(register.add_seat(actor=request.user, term=term, **data)).data, status=201)

    @extend_schema(request=None, responses=SeatSerializer)
    @action(detail=True, methods=["post"], url_path=r"seats/(?P<seat_pk>\d+)/end")
    def end_seat(self, request, pk=None, seat_pk=None):
        """End a seat today; it stays in the history."""
        seat = get_object_or_404(CommitteeSeat.objects.filter(term=self.get_object()), pk=seat_pk)
        return Response(SeatSerializer(register.end_seat(actor=request.user, seat=seat)).data)


class TransferViewSet(ScopedReadOnlyViewSet):
    queryset = Transfer.objects.select_related("member", "from_org", "to_org").order_by("-issued_on", "-id")
    serializer_class = TransferSerializer
    filterset_fields = ["status", "from_org", "to_org", "member"]

    def get_queryset(self):
        if self.action in ("accept", "reject"):
            # Only the receiving organisation decides (the sender sees the letter, not these actions).
            return Transfer.objects.incoming_for(self.request.user).select_related("member", "from_org", "to_org")
        return super().get_queryset()

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the letter: the member moves to the receiving organisation."""
        letter = register.accept_transfer(actor=request.user, transfer=self.get_object())
        return Response(TransferSerializer(letter).data)

    @extend_schema(request=RejectInput, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the letter with a reason the sender reads."""
        letter = self.get_object()
        reason = validated(request, RejectForm)["reason"]
        return Response(
            TransferSerializer(register.reject_transfer(actor=request.user, transfer=letter, reason=reason)).data
        )
