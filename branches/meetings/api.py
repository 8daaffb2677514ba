"""/api/v1/meetings/ and /api/v1/meeting-compliance/: scoped lists with fixed query counts, and every action
the meeting pages offer (plan, record, attendance, submit, correct, cancel, attach, sign in) through the pages'
forms and the same services, so validation messages, scope (404 outside) and audit records are the pages' own."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import periods
from ..api.actions import form_schema, valid_form, validated
from ..api.base import ScopedReadOnlyViewSet
from ..models import Attendance, Meeting, MeetingAttachment, MeetingKind, Organization, Topic
from . import compliance, services
from .forms import CorrectionForm, PlanForm, RecordForm, SignInForm, UploadForm


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["order", "title", "is_first_topic", "material"]


class AttendanceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["member", "name", "status", "leave_reason", "is_committee", "signed_in_at"]


ATTENDANCE_COLUMNS = (
    "meeting_id",
    "member_id",
    "member__name",
    "status",
    "leave_reason",
    "is_committee",
    "signed_in_at",
)


def attendance_of(meeting_ids) -> dict[int, list[dict]]:
    """The attendance of these meetings as plain rows, one query.

    A page carries about a thousand attendance rows: reading them as tuples (only the member's name, never
    the encrypted ID and phone columns) costs a third of building model instances.
    """
    signed = SIGNED_IN_FIELD.to_representation
    out: dict[int, list[dict]] = {pk: [] for pk in meeting_ids}
    rows = (
        # In the model's order: committee members first, then by name.
        Attendance.objects.filter(meeting_id__in=list(meeting_ids)).values_list(*ATTENDANCE_COLUMNS)
    )
    for meeting_id, member_id, name, status, reason, committee, signed_in_at in rows:
        out[meeting_id].append(
            {
                "member": member_id,
                "name": name,
                "status": status,
                "leave_reason": reason,
                "is_committee": committee,
                "signed_in_at": signed(signed_in_at) if signed_in_at else None,
            }
        )
    return out


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
        # Filled by the viewset for the whole page at once (attendance_of); standalone use reads it here.
        rows = self.context.get("attendance")
        if rows is None or obj.pk not in rows:
            rows = attendance_of([obj.pk])
        return rows[obj.pk]

    def get_first_topic(self, obj) -> dict | None:
        first = next((t for t in obj.topics.all() if t.is_first_topic), None)
        return {"title": first.title, "material": first.material} if first else None

    def to_representation(self, obj):
        """The declared fields above, built directly: on a page of 50 meetings DRF's field-by-field walk cost
        more than all the queries. The output is the same (``test_api`` compares it with the walk)."""
        when = SIGNED_IN_FIELD.to_representation
        kinds = self.context.get("kind_labels")
        if kinds is None:  # Model.get_FOO_display rebuilds its choices dict on every call
            kinds = self.context["kind_labels"] = {value: str(label) for value, label in MeetingKind.choices}
        topics = list(obj.topics.all())
        first = next((t for t in topics if t.is_first_topic), None)
        return {
            "id": obj.pk,
            "organization": obj.organization_id,
            "organization_name": obj.organization.name,
            "kind": obj.kind,
            "kind_display": kinds.get(obj.kind, obj.kind),
            "title": obj.title,
            "held_at": when(obj.start) if obj.start else None,
            "end": when(obj.end) if obj.end else None,
            "place": obj.place,
            "status": obj.status,
            "first_topic": {"title": first.title, "material": first.material} if first else None,
            "topics": [
                {"order": t.order, "title": t.title, "is_first_topic": t.is_first_topic, "material": t.material}
                for t in topics
            ],
            "attendance": self.get_attendance(obj),
            "submitted_at": when(obj.submitted_at) if obj.submitted_at else None,
            "version": obj.version,
        }


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


class AttendanceInput(serializers.Serializer):
    """One attendee's row as the record page posts it (statuses are checked by the service, with its message)."""

    member = serializers.IntegerField()
    status = serializers.CharField(required=False, help_text="present, leave or absent")
    leave_reason = serializers.CharField(required=False, allow_blank=True, default="")
    is_committee = serializers.BooleanField(required=False)
    remove = serializers.BooleanField(required=False, default=False, help_text="not expected at this meeting")
    grade = serializers.CharField(required=False, allow_blank=True, help_text="民主评议 grade (democratic review)")


class TopicInput(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    is_first_topic = serializers.BooleanField(required=False, default=False)
    material = serializers.CharField(required=False, allow_blank=True, default="")


class AttendanceWrite(serializers.Serializer):
    attendance = AttendanceInput(many=True)


class RecordRows(serializers.Serializer):
    """The record's rows beside the form's fields; either left out keeps what is stored."""

    attendance = AttendanceInput(many=True, required=False)
    topics = TopicInput(many=True, required=False)


PlanInput = form_schema(PlanForm, "MeetingPlanInput")
RecordInput = form_schema(
    RecordForm,
    "MeetingRecordInput",
    extra={"attendance": AttendanceInput(many=True, required=False), "topics": TopicInput(many=True, required=False)},
)
CorrectionInput = form_schema(CorrectionForm, "MeetingCorrectionInput")
UploadInput = form_schema(UploadForm, "MeetingUploadInput")
SignInInput = form_schema(SignInForm, "MeetingSignInInput")


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingAttachment
        fields = ["id", "original_name", "content_type", "size"]


def _attendance(rows) -> dict:
    """``services.save_record``'s attendance mapping from the API's list of rows."""
    out = {}
    for row in rows:
        item = {k: v for k, v in row.items() if k != "member"}
        out[row["member"]] = item
    return out


def _parsed(serializer_class, request, **kwargs):
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return data.validated_data


class MeetingViewSet(ScopedReadOnlyViewSet):
    """Meetings with attendance and topics, as far as the caller's scope allows.

    Writes act on meetings the caller may change (404 otherwise) and call the pages' services."""

    # The list never shows minutes, resolutions or the sign-in code: leave those columns in the database.
    queryset = (
        Meeting.objects.select_related("organization")
        .defer("minutes", "resolutions", "problems", "rectifications", "signin_code")
        .prefetch_related("topics")
    )
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    search_fields = ["title"]
    ordering_fields = ["start", "id"]

    def get_serializer(self, *args, **kwargs):
        if args and args[0] is not None:
            meetings = args[0] if kwargs.get("many") else [args[0]]
            context = kwargs.setdefault("context", self.get_serializer_context())
            context["attendance"] = attendance_of([m.pk for m in meetings])
        return super().get_serializer(*args, **kwargs)

    def _answer(self, meeting, code=http.HTTP_200_OK):
        meeting = Meeting.objects.select_related("organization").get(pk=meeting.pk)
        return Response(self.get_serializer(meeting).data, status=code)

    @extend_schema(request=PlanInput, responses={201: MeetingSerializer})
    def create(self, request):
        """Plan a meeting (the page "plan a meeting"): organisation in the caller's scope, attendees invited."""
        form = valid_form(request, PlanForm, user=request.user)
        meeting = services.plan_meeting(actor=request.user, **form.service_kwargs())
        return self._answer(meeting, http.HTTP_201_CREATED)

    @extend_schema(request=RecordInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Save the record (minutes, resolutions, attendance, topics); the meeting becomes a draft."""
        meeting = self.get_object()
        fields = validated(request, RecordForm, instance=meeting)
        extra = _parsed(RecordRows, request)
        attendance = _attendance(extra["attendance"]) if "attendance" in extra else None
        topics = [dict(t) for t in extra["topics"]] if "topics" in extra else None
        meeting = services.save_record(
            actor=request.user, meeting=meeting, fields=fields, attendance=attendance, topics=topics
        )
        return self._answer(meeting)

    @extend_schema(request=AttendanceWrite, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record attendance only (as the page's attendance rows): present, on leave (with reason) or absent."""
        meeting = self.get_object()
        rows = _parsed(AttendanceWrite, request)["attendance"]
        meeting = services.save_record(actor=request.user, meeting=meeting, attendance=_attendance(rows))
        return self._answer(meeting)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the record; refused with the list of what is missing."""
        return self._answer(services.submit_meeting(actor=request.user, meeting=self.get_object()))

    @extend_schema(request=CorrectionInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct a submitted record; once locked, the old record is kept as a version with the reason."""
        meeting = self.get_object()
        form = valid_form(request, CorrectionForm)
        return self._answer(services.correct_meeting(actor=request.user, meeting=meeting, **form.service_kwargs()))

    @extend_schema(request=CancelInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting = self.get_object()
        reason = _parsed(CancelInput, request)["reason"]
        return self._answer(services.cancel_meeting(actor=request.user, meeting=meeting, reason=reason))

    @extend_schema(request={"multipart/form-data": UploadInput}, responses={201: MeetingAttachmentSerializer})
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        """Attach a photo or document (multipart, field ``file``)."""
        meeting = self.get_object()
        uploaded = validated(request, UploadForm)["file"]
        att = services.add_attachment(actor=request.user, meeting=meeting, uploaded=uploaded)
        return Response(MeetingAttachmentSerializer(att).data, status=http.HTTP_201_CREATED)

    @extend_schema(request=SignInInput, responses=MeetingSerializer)
    @action(detail=False, methods=["post"], url_path="sign-in")
    def sign_in(self, request):
        """Sign oneself in with the code the secretary shows (only during the meeting)."""
        code = validated(request, SignInForm)["code"]
        meeting = services.self_sign_in(actor=request.user, code=code)
        return Response(MeetingSerializer(Meeting.objects.select_related("organization").get(pk=meeting.pk)).data)


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
