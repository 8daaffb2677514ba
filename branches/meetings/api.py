"""/api/v1/meetings/ and /api/v1/meeting-compliance/: scoped, read-only, fixed query counts."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import periods
from ..api.base import ScopedReadOnlyViewSet
from ..models import Attendance, Meeting, Organization, Topic
from . import compliance


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["order", "title", "is_first_topic", "material"]


class AttendanceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["member", "name", "status", "leave_reason", "is_committee", "signed_in_at"]


ATTENDANCE_FIELDS = [
    "id",
    "meeting_id",
    "member_id",
    "status",
    "leave_reason",
    "is_committee",
    "signed_in_at",
    "member__name",
]


SIGNED_IN_FIELD = serializers.DateTimeField()


class MeetingSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    held_at = serializers.DateTimeField(source="start", read_only=True)
    first_topic = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()
    topics = TopicSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_display",
            "title",
            "held_at",
            "end",
            "place",
            "status",
            "first_topic",
            "topics",
            "attendance",
            "submitted_at",
            "version",
        ]

    @extend_schema_field(AttendanceSerializer(many=True))
    def get_attendance(self, obj) -> list:
        # Plain dicts from the prefetched rows: the nested-serializer machinery cost more than the query.
        signed = SIGNED_IN_FIELD.to_representation
        return [
            {
                "member": a.member_id,
                "name": a.member.name,
                "status": a.status,
                "leave_reason": a.leave_reason,
                "is_committee": a.is_committee,
                "signed_in_at": signed(a.signed_in_at) if a.signed_in_at else None,
            }
            for a in obj.attendances.all()
        ]

    def get_first_topic(self, obj) -> dict | None:
        first = next((t for t in obj.topics.all() if t.is_first_topic), None)
        return {"title": first.title, "material": first.material} if first else None


class MeetingFilter(django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label="subtree of organisation id")
    period = django_filters.CharFilter(method="filter_period", label="period key: 2026-05, 2026-Q2, 2026")

    class Meta:
        model = Meeting
        fields = ["organization", "kind", "status"]

    def filter_within(self, queryset, name, value):
        root = Organization.objects.filter(pk=value).only("path").first()
        return queryset.filter(organization__path__startswith=root.path) if root else queryset.none()

    def filter_period(self, queryset, name, value):
        try:
            p = periods.parse(value)
        except (ValueError, TypeError):
            raise ValidationError({"period": [_("Write the period as 2026-05, 2026-Q2 or 2026.")]}) from None
        return queryset.filter(start__gte=p.start_datetime(), start__lt=p.end_datetime())


class MeetingViewSet(ScopedReadOnlyViewSet):
    """Meetings with attendance and topics, as far as the caller's scope allows."""

    queryset = Meeting.objects.select_related("organization").prefetch_related(
        # Only the member's name: loading whole members would decrypt every ID and phone number.
        Prefetch("attendances", queryset=Attendance.objects.select_related("member").only(*ATTENDANCE_FIELDS)),
        "topics",
    )
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    search_fields = ["title"]
    ordering_fields = ["start", "id"]


class ComplianceKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    required = serializers.IntegerField()
    held = serializers.IntegerField()
    due = serializers.IntegerField()
    missing = serializers.IntegerField()


class ComplianceRowSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    period = serializers.CharField()
    held = serializers.IntegerField()
    due = serializers.IntegerField()
    missing = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    first_topic_rate = serializers.FloatField(allow_null=True)
    kinds = ComplianceKindSerializer(many=True)


class ComplianceSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = ComplianceRowSerializer(many=True)


class ComplianceAPIView(APIView):
    """Compliance per organisation for a period: held / due / missing slots and the first-topic rate."""

    scoped = True
    scope_model = Meeting

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, description="2026-05, 2026-Q2 or 2026 (default: this month)"),
            OpenApiParameter("organization", int, description="one organisation id (default: all in scope)"),
        ],
        responses=ComplianceSerializer,
    )
    def get(self, request):
        key = request.query_params.get("period") or periods.period_containing("month", periods.today()).key
        try:
            period = periods.parse(key)
        except (ValueError, TypeError):
            raise ValidationError({"period": [_("Write the period as 2026-05, 2026-Q2 or 2026.")]}) from None
        orgs = Organization.objects.visible_to(request.user, "meeting.view").filter(is_active=True)
        org_id = request.query_params.get("organization")
        if org_id:
            if not str(org_id).isdigit():
                raise ValidationError({"organization": [_("Give an organisation id.")]})
            orgs = orgs.filter(pk=org_id)
        else:
            orgs = orgs.filter(kind__in=["branch", "general_branch", "party_committee"])
        orgs = list(orgs.order_by("path").only("id", "name", "kind", "path")[:1000])
        data = compliance.compute(orgs, [period])
        results = []
        for o in orgs:
            oc = data[(o.pk, period.key)]
            results.append(
                {
                    "organization": o.pk,
                    "organization_name": o.name,
                    "period": period.key,
                    "held": oc.held,
                    "due": oc.due,
                    "missing": oc.missing,
                    "rate": oc.rate,
                    "first_topic_rate": oc.first_topic_rate,
                    "kinds": [
                        {"kind": r.kind, "required": r.required, "held": r.held, "due": r.due, "missing": r.missing}
                        for r in oc.by_kind()
                    ],
                }
            )
        return Response({"count": len(results), "results": results})
