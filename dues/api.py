"""/api/v1/dues-*: read and write through the same services as the pages, same scope (404 outside)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from branches import periods
from branches.api.base import ScopedViewSetMixin
from branches.models import Member, Organization

from . import arrears, bases, collection, payments, statements
from .forms import payer_choices
from .ledger import add_months, first_of, member_ledger
from .models import (
    ArrearsAction,
    ArrearsActionKind,
    ArrearsOutcome,
    DuesBase,
    DuesCategory,
    DuesReduction,
    LifeCase,
    Payment,
    PaymentKind,
    PaymentMethod,
    ReductionKind,
    Statement,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$", "example": "2026-05"})
class MonthField(serializers.DateField):
    """A month as ``YYYY-MM`` (a full date is accepted and read as its month)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"])
        kwargs.setdefault("format", "%Y-%m")
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        return first_of(super().to_internal_value(value))


@extend_schema_field(OpenApiTypes.INT)
class MemberInScope(serializers.PrimaryKeyRelatedField):
    """A dues-paying member the caller may keep dues for (anything else: "invalid pk")."""

    def get_queryset(self):
        return payer_choices(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class OrganizationInScope(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Organization.objects.visible_to(self.context["request"].user, "dues.change")


class WriteViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and retrieve in scope; ``create`` parses ``input_serializer`` and calls one service."""

    input_serializer = None

    def perform(self, data):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        parsed = self.input_serializer(data=request.data, context=self.get_serializer_context())
        parsed.is_valid(raise_exception=True)
        obj = self.perform(parsed.validated_data)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


# --- Bases -----------------------------------------------------------------------------


class DuesBaseSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    effective_month = MonthField(read_only=True)

    class Meta:
        model = DuesBase
        fields = ["id", "member", "member_name", "category", "base", "effective_month", "note", "created_at"]
        read_only_fields = fields


class DuesBaseInput(serializers.Serializer):
    member = MemberInScope()
    category = serializers.ChoiceField(choices=DuesCategory.choices)
    base = serializers.DecimalField(min_value=0, **MONEY)
    effective_month = MonthField()
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


@extend_schema(request=DuesBaseInput, responses={201: DuesBaseSerializer}, methods=["POST"])
class DuesBaseViewSet(WriteViewSet):
    queryset = DuesBase.objects.select_related("member").defer("member__id_number", "member__phone")
    serializer_class = DuesBaseSerializer
    input_serializer = DuesBaseInput

    def perform(self, d):
        return bases.record_base(actor=self.request.user, **d)


# --- Reductions ----------------------------------------------------------------------------


class DuesReductionSerializer(serializers.ModelSerializer):
    from_month = MonthField(read_only=True)
    to_month = MonthField(read_only=True, allow_null=True)

    class Meta:
        model = DuesReduction
        fields = [
            "id",
            "member",
            "kind",
            "amount",
            "from_month",
            "to_month",
            "reason",
            "branch_decision",
            "status",
            "decided_at",
        ]
        read_only_fields = fields


class DuesReductionInput(serializers.Serializer):
    member = MemberInScope()
    kind = serializers.ChoiceField(choices=ReductionKind.choices)
    amount = serializers.DecimalField(min_value=0, required=False, allow_null=True, default=None, **MONEY)
    from_month = MonthField()
    to_month = MonthField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=300)
    branch_decision = serializers.CharField(max_length=200)


class DecideInput(serializers.Serializer):
    approve = serializers.BooleanField()


@extend_schema(request=DuesReductionInput, responses={201: DuesReductionSerializer}, methods=["POST"])
class DuesReductionViewSet(WriteViewSet):
    queryset = DuesReduction.objects.all()
    serializer_class = DuesReductionSerializer
    input_serializer = DuesReductionInput

    def perform(self, d):
        return bases.propose_reduction(actor=self.request.user, **d)

    @extend_schema(request=DecideInput, responses=DuesReductionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        parsed = DecideInput(data=request.data)
        parsed.is_valid(raise_exception=True)
        r = bases.decide_reduction(actor=request.user, reduction=self.get_object(), **parsed.validated_data)
        return Response(self.get_serializer(r).data)


# --- Payments -----------------------------------------------------------------------------


class PaymentSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    month = MonthField(read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "organization",
            "member",
            "member_name",
            "month",
            "amount",
            "kind",
            "method",
            "paid_on",
            "receipt_no",
            "to_centre",
            "reverses",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class PaymentInput(serializers.Serializer):
    member = MemberInScope()
    month = MonthField()
    amount = serializers.DecimalField(min_value=0, **MONEY)
    kind = serializers.ChoiceField(choices=PaymentKind.choices, default=PaymentKind.REGULAR)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    paid_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class ReverseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
    on = serializers.DateField(required=False, default=None)


@extend_schema(request=PaymentInput, responses={201: PaymentSerializer}, methods=["POST"])
class PaymentViewSet(WriteViewSet):
    queryset = Payment.objects.select_related("member").defer("member__id_number", "member__phone")
    serializer_class = PaymentSerializer
    input_serializer = PaymentInput

    def get_queryset(self):
        qs = super().get_queryset()
        g = self.request.query_params
        if g.get("member", "").isdigit():
            qs = qs.filter(member_id=g["member"])
        if g.get("month"):
            try:
                qs = qs.filter(month=first_of(periods.parse(g["month"]).start))
            except (ValueError, TypeError):
                qs = qs.none()
        return qs

    def perform(self, d):
        return payments.record_payment(actor=self.request.user, **d)

    @extend_schema(request=ReverseInput, responses={201: PaymentSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        parsed = ReverseInput(data=request.data)
        parsed.is_valid(raise_exception=True)
        on = parsed.validated_data["on"] or timezone.localdate()
        reversal = payments.reverse_payment(
            actor=request.user, payment=self.get_object(), reason=parsed.validated_data["reason"], on=on
        )
        return Response(self.get_serializer(reversal).data, status=status.HTTP_201_CREATED)


# --- Statements -----------------------------------------------------------------------------


class StatementSerializer(serializers.ModelSerializer):
    month = MonthField(read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "organization",
            "month",
            "opening",
            "collected",
            "to_centre",
            "remitted",
            "closing",
            "status",
            "submitted_at",
            "received_at",
        ]
        read_only_fields = fields


class StatementInput(serializers.Serializer):
    organization = OrganizationInScope()
    month = MonthField()
    remitted = serializers.DecimalField(min_value=0, required=False, allow_null=True, default=None, **MONEY)


@extend_schema(request=StatementInput, responses={201: StatementSerializer}, methods=["POST"])
class StatementViewSet(WriteViewSet):
    queryset = Statement.objects.all()
    serializer_class = StatementSerializer
    input_serializer = StatementInput

    def perform(self, d):
        return statements.submit_statement(actor=self.request.user, **d)

    @extend_schema(request=None, responses=StatementSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        return Response(
            self.get_serializer(statements.record_receipt(actor=request.user, statement=self.get_object())).data
        )


# --- Arrears actions ----------------------------------------------------------------------------


class ArrearsActionSerializer(serializers.ModelSerializer):
    # Blank until the action has an outcome: declared so the schema admits "" beside the choices.
    outcome = serializers.ChoiceField(choices=ArrearsOutcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ArrearsAction
        fields = ["id", "organization", "member", "kind", "months_unpaid", "date", "outcome", "note", "created_at"]
        read_only_fields = fields


class ArrearsActionInput(serializers.Serializer):
    member = MemberInScope()
    kind = serializers.ChoiceField(choices=ArrearsActionKind.choices)
    date = serializers.DateField()
    outcome = serializers.ChoiceField(choices=ArrearsOutcome.choices, required=False, default="", allow_blank=True)
    note = serializers.CharField()


@extend_schema(request=ArrearsActionInput, responses={201: ArrearsActionSerializer}, methods=["POST"])
class ArrearsActionViewSet(WriteViewSet):
    queryset = ArrearsAction.objects.all()
    serializer_class = ArrearsActionSerializer
    input_serializer = ArrearsActionInput

    def perform(self, d):
        today = timezone.localdate()
        if d["kind"] == ArrearsActionKind.DECISION:
            return arrears.record_decision(
                actor=self.request.user,
                member=d["member"],
                date=d["date"],
                outcome=d["outcome"],
                note=d["note"],
                today=today,
            )
        return arrears.record_talk(
            actor=self.request.user, member=d["member"], date=d["date"], note=d["note"], today=today
        )


class LifeCaseSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = LifeCase
        fields = [
            "id",
            "organization",
            "member",
            "member_name",
            "since",
            "absences",
            "opened_at",
            "closed_at",
            "decision",
        ]
        read_only_fields = fields


class LifeCaseViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Cases of six months without organisational life (opened by the worker; ``?open=1`` only open ones);
    the decision is recorded through ``dues-arrears-actions/`` (kind ``decision``), which closes the case."""

    queryset = LifeCase.objects.select_related("member").defer("member__id_number", "member__phone")
    serializer_class = LifeCaseSerializer

    @extend_schema(parameters=[OpenApiParameter("open", bool, description="only open cases")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.filter(closed_at__isnull=True) if self.request.query_params.get("open") else qs


# --- Read-only figures -----------------------------------------------------------------------------


class CollectionRowSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    organization = serializers.IntegerField()
    month = serializers.CharField()
    due = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    settled = serializers.BooleanField()
    exempt = serializers.BooleanField()


class CollectionSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    period = serializers.CharField()
    owed = serializers.IntegerField()
    settled = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    rows = CollectionRowSerializer(many=True)


def _row(member, line):
    return {
        "member": member.pk,
        "name": member.name,
        "organization": member.organization_id,
        "month": f"{line.month:%Y-%m}",
        "due": line.due,
        "paid": line.paid,
        "settled": line.settled,
        "exempt": line.exempt,
    }


class CollectionAPIView(APIView):
    """Member-months owing dues in ``period`` for ``org``'s subtree: the list behind ``dues.collection_rate``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("org", int, required=True),
            OpenApiParameter("period", str, description="2026-05, 2026-Q2 or 2026"),
            OpenApiParameter("unpaid", bool),
        ],
        responses=CollectionSerializer,
    )
    def get(self, request):
        raw = request.query_params.get("org", "")
        if not raw.isdigit():
            raise NotFound()
        org = get_object_or_404(Organization.objects.visible_to(request.user, "dues.view"), pk=raw)
        try:
            period = periods.parse(request.query_params.get("period", ""))
        except (ValueError, TypeError):
            period = periods.period_containing("month", timezone.localdate())
        rows = collection.rows(org, period)
        settled = sum(1 for r in rows if r.line.settled)
        shown = [r for r in rows if not r.line.settled] if request.query_params.get("unpaid") in ("1", "true") else rows
        data = {
            "organization": org.pk,
            "period": period.key,
            "owed": len(rows),
            "settled": settled,
            "rate": collection.rate(settled, len(rows)),
            "rows": [_row(r.member, r.line) for r in shown],
        }
        return Response(CollectionSerializer(data).data)


class MyDuesSerializer(serializers.Serializer):
    member = serializers.IntegerField(allow_null=True)
    months = CollectionRowSerializer(many=True)
    payments = PaymentSerializer(many=True)


class MyDuesAPIView(APIView):
    """The caller's own amounts due (the last 12 months) and payments."""

    @extend_schema(responses=MyDuesSerializer)
    def get(self, request):
        member = Member.objects.filter(user=request.user).defer("id_number", "phone").first()
        if member is None:
            return Response({"member": None, "months": [], "payments": []})
        last = first_of(timezone.localdate())
        lines = member_ledger(member, add_months(last, -11), last)
        pays = Payment.objects.filter(member=member).select_related("member")[:60]
        return Response(
            MyDuesSerializer(
                {"member": member.pk, "months": [_row(member, x) for x in lines], "payments": list(pays)}
            ).data
        )
