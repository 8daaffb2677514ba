"""Training classes and lectures through the API: the same forms and services as the class pages.

The organiser (``study.manage``) creates a class with its roster, adds sessions and closes them (no-shows are
marked absent and get the make-up module); a trainee signs in with the code shown in the classroom or asks for
leave. Objects outside the caller's scope are 404, as on the pages; the audit records are the pages'."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.api.actions import form_schema, validated
from branches.api.base import ScopedReadOnlyViewSet

from .. import services
from ..forms import ClassForm, LeaveForm, LectureForm, SessionForm, SignInForm
from ..models import Attendance, ClassSession, Lecture, TrainingClass

ClassInput = form_schema(ClassForm, "TrainingClassInput")
SessionInput = form_schema(SessionForm, "ClassSessionInput")
SignInInput = form_schema(SignInForm, "ClassSignInInput")
LeaveInput = form_schema(LeaveForm, "ClassLeaveInput")
LectureInput = form_schema(LectureForm, "LectureInput")


class ClassSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassSession
        fields = ["id", "title", "starts_at", "ends_at", "hours", "closed_at"]
        read_only_fields = fields


class ManagedClassSessionSerializer(ClassSessionSerializer):
    """A session as its organiser sees it: with the code to show in the classroom."""

    class Meta(ClassSessionSerializer.Meta):
        fields = [*ClassSessionSerializer.Meta.fields, "sign_in_code"]
        read_only_fields = fields


class TrainingClassSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    sessions = ClassSessionSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingClass
        fields = ["id", "organization", "organization_name", "title", "makeup_module", "created_at", "sessions"]
        read_only_fields = fields


class ClassAttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "session", "member", "status", "reason", "at"]
        read_only_fields = fields


class ClassSessionClosedSerializer(serializers.Serializer):
    makeup_assigned = serializers.IntegerField(help_text="make-up assignments created for absentees and leave")


class TrainingClassViewSet(ScopedReadOnlyViewSet):
    """Training classes the caller may see; their organisers manage them, their trainees sign in."""

    queryset = TrainingClass.objects.select_related("organization").prefetch_related("sessions")
    serializer_class = TrainingClassSerializer
    filterset_fields = ["organization"]
    search_fields = ["title"]

    def get_queryset(self):
        if self.action == "leave":
            # Only a trainee on the roster asks for leave (as the page): everyone else finds no such class.
            member = services.member_of(self.request.user)
            return TrainingClass.objects.filter(enrollments__member=member) if member else TrainingClass.objects.none()
        return super().get_queryset()

    @extend_schema(request=ClassInput, responses={201: TrainingClassSerializer})
    def create(self, request):
        """Create a class; its roster is the active members of ``roster_org`` (optionally one role only)."""
        tc = services.create_class_for(actor=request.user, **validated(request, ClassForm, user=request.user))
        return Response(TrainingClassSerializer(self.queryset.get(pk=tc.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SessionInput, responses={201: ManagedClassSessionSerializer})
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        """Add a session; the answer carries its sign-in code."""
        tc = self.get_object()
        session = services.add_session(actor=request.user, training_class=tc, **validated(request, SessionForm))
        return Response(ManagedClassSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ClassSessionClosedSerializer)
    @action(detail=True, methods=["post"], url_path=r"sessions/(?P<session_pk>\d+)/close")
    def close_session(self, request, pk=None, session_pk=None):
        """Close a session that has ended: no-shows are absent, absentees get the make-up module."""
        session = get_object_or_404(ClassSession.objects.filter(training_class=self.get_object()), pk=session_pk)
        return Response({"makeup_assigned": services.close_session(actor=request.user, session=session)})

    @extend_schema(request=LeaveInput, responses={201: ClassAttendanceSerializer})
    @action(detail=True, methods=["post"], url_path=r"sessions/(?P<session_pk>\d+)/leave")
    def leave(self, request, pk=None, session_pk=None):
        """Ask for leave from a session of a class one is on the roster of."""
        session = get_object_or_404(ClassSession.objects.filter(training_class=self.get_object()), pk=session_pk)
        reason = validated(request, LeaveForm)["reason"]
        attendance = services.request_leave(actor=request.user, session=session, reason=reason)
        return Response(ClassAttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SignInInput, responses=ClassAttendanceSerializer)
    @action(detail=False, methods=["post"], url_path="sign-in")
    def sign_in(self, request):
        """Sign in with the code shown in the classroom (to one's own session open now)."""
        attendance = services.sign_in_with_code(actor=request.user, code=validated(request, SignInForm)["code"])
        return Response(ClassAttendanceSerializer(attendance).data)


class LectureSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Lecture
        fields = ["id", "organization", "organization_name", "title", "speaker", "held_on", "audience_count"]
        read_only_fields = fields


class LectureViewSet(ScopedReadOnlyViewSet):
    """Lectures (宣讲) held in the caller's scope; the organisers record them."""

    queryset = Lecture.objects.select_related("organization").order_by("-held_on", "-pk")
    serializer_class = LectureSerializer
    filterset_fields = ["organization", "held_on"]

    @extend_schema(request=LectureInput, responses={201: LectureSerializer})
    def create(self, request):
        """Record a lecture held in an organisation the caller manages."""
        lecture = services.record_lecture(actor=request.user, **validated(request, LectureForm, user=request.user))
        return Response(LectureSerializer(lecture).data, status=status.HTTP_201_CREATED)
