"""Training classes (sessions, sign-in with a code, leave) and lectures (党课)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches import periods
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.models import Member, Organization

from .. import services
from ..forms import (
    ClassForm,
    LeaveForm,
    LectureForm,
    SessionForm,
    SignInForm,
)
from ..models import (
    AttendanceStatus,
    ClassSession,
    Enrollment,
    Lecture,
    TrainingClass,
)
from .common import _apply_errors, _int


def _flash(request, errors) -> None:
    messages.error(request, " ".join(str(e) for e in errors))


class ClassListView(ScopedMixin, PaginatedMixin, ListView):
    model = TrainingClass
    template_name = "training/trainingclass_list.html"

    def get_queryset(self):
        sessions = ClassSession.objects.filter(training_class_id=OuterRef("pk")).values("training_class_id")
        roster = Enrollment.objects.filter(training_class_id=OuterRef("pk")).values("training_class_id")
        return (
            super()
            .get_queryset()
            .select_related("organization__unit")
            .annotate(
                session_count=Coalesce(
                    Subquery(sessions.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
                ),
                roster_count=Coalesce(
                    Subquery(roster.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
                ),
            )
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = Organization.objects.visible_to(self.request.user, "study.manage").exists()
        return ctx


class ClassDetailView(ScopedMixin, DetailView):
    model = TrainingClass
    template_name = "training/trainingclass_detail.html"
    context_object_name = "tc"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        tc = self.object
        sessions = list(
            tc.sessions.annotate(
                present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
                leave=Count("attendance", filter=Q(attendance__status=AttendanceStatus.LEAVE)),
                absent=Count("attendance", filter=Q(attendance__status=AttendanceStatus.ABSENT)),
            )
        )
        ctx.update(
            sessions=sessions,
            roster=list(Member.objects.filter(pk__in=tc.enrollments.values("member_id")).order_by("name")[:200]),
            can_manage=TrainingClass.objects.visible_to(self.request.user, "change").filter(pk=tc.pk).exists(),
            now=timezone.now(),
            session_form=kwargs.get("session_form") or SessionForm(),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        tc = self.get_object()
        if request.POST.get("action") == "add_session":
            form = SessionForm(request.POST)
            if form.is_valid():
                try:
                    services.add_session(actor=request.user, training_class=tc, **form.cleaned_data)
                except (ValidationError, PermissionDenied) as exc:
                    _apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
                else:
                    messages.success(request, _("Session added. Show its sign-in code in the classroom."))
                    return redirect("training:class_detail", pk=tc.pk)
            self.object = tc
            return self.render_to_response(self.get_context_data(session_form=form))
        session = get_object_or_404(ClassSession, pk=_int(request.POST.get("session")), training_class=tc)
        try:
            made = services.close_session(actor=request.user, session=session)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Session closed; %(n)s make-up assignments created.") % {"n": made})
        return redirect("training:class_detail", pk=tc.pk)


class ClassCreateView(LoginRequiredMixin, FormView):
    form_class = ClassForm
    template_name = "training/trainingclass_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            tc = services.create_class_for(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Class created with %(n)s trainees. Now add its sessions.") % {"n": tc.enrollments.count()},
        )
        return redirect("training:class_detail", pk=tc.pk)


class SignInView(LoginRequiredMixin, View):
    """A member types the code shown in the classroom."""

    def post(self, request):
        form = SignInForm(request.POST)
        if not form.is_valid():
            _flash(request, form.errors["code"])
            return redirect("training:my_study")
        try:
            att = services.sign_in_with_code(actor=request.user, code=form.cleaned_data["code"])
        except (ValidationError, PermissionDenied) as exc:
            _flash(request, getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("Signed in to %(s)s.") % {"s": att.session.title})
        return redirect("training:my_study")


class LeaveView(LoginRequiredMixin, View):
    def post(self, request, session):
        member = services.member_of(request.user)
        session = get_object_or_404(ClassSession, pk=session, training_class__enrollments__member=member)
        form = LeaveForm(request.POST)
        if not form.is_valid():
            _flash(request, form.errors["reason"])
            return redirect("training:my_study")
        try:
            services.request_leave(actor=request.user, session=session, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            _flash(request, getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("Leave requested."))
        return redirect("training:my_study")


class LectureListView(ScopedMixin, PaginatedMixin, ListView):
    model = Lecture
    template_name = "training/lecture_list.html"

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization__unit")
        self.period = None
        key = self.request.GET.get("period", "")
        if key:
            try:
                self.period = periods.parse(key)
            except ValueError:
                self.period = None
        if self.period is None:
            self.period = periods.period_containing("year", timezone.localdate())
        return qs.filter(held_on__gte=self.period.start, held_on__lte=self.period.end)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = self.object_list
        ctx["summary"] = qs.aggregate(sessions=Count("pk"), audience=Coalesce(Sum("audience_count"), 0))
        ctx["by_unit"] = list(
            qs.values("organization__name")
            .annotate(sessions=Count("pk"), audience=Sum("audience_count"))
            .order_by("-sessions")[:50]
        )
        page = self.paginate(qs)
        ctx.update(page_obj=page, lectures=page.object_list, period=self.period)
        ctx["can_manage"] = Organization.objects.visible_to(self.request.user, "study.manage").exists()
        p = self.period
        ctx["period_choices"] = [p.previous().key, p.key, p.next().key]
        return ctx


class LectureCreateView(LoginRequiredMixin, FormView):
    form_class = LectureForm
    template_name = "training/lecture_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            services.record_lecture(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            return self.form_invalid(form)
        messages.success(self.request, _("Lecture recorded."))
        return redirect("training:lecture_list")
