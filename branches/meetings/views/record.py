"""Planning and recording a meeting, sign-in, files and cancelling."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from ... import periods
from ...access import has_permission, primary_grant
from ...mixins import breadcrumbs_for
from ...models import (
    AttendanceStatus,
    MeetingKind,
    MeetingStatus,
    Organization,
)
from ...models.meetings import ReviewGrade
from ...models.members import MemberCategory
from .. import services
from ..forms import PlanForm, RecordForm, SignInForm, UploadForm
from .common import MeetingQueryMixin, _detail_queryset, _error_messages, _MeetingAction

EXTRA_TOPIC_ROWS = 2


class PlanView(LoginRequiredMixin, FormView):
    form_class = PlanForm
    template_name = "meetings/meeting_plan.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "meeting.change"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        """Own branch preselected; kind from the link (or the monthly 支委会); title, times, place, host and
        recorder suggested from the kind and the last meeting; a compliance link's period moves the day."""
        user, g = self.request.user, self.request.GET
        orgs = Organization.objects.visible_to(user, "meeting.change").exclude(kind="committee")
        org = orgs.filter(pk=g["org"]).first() if g.get("org", "").isdigit() else None
        if org is None:
            grant = primary_grant(user)
            org = orgs.filter(pk=grant.organization_id).first() if grant else None
        kind = g["kind"] if g.get("kind") in MeetingKind.values else MeetingKind.COMMITTEE
        initial = {"kind": kind}
        if org is None:
            return initial
        period = None
        if g.get("period"):
            try:
                period = periods.parse(g["period"])
            except (ValueError, TypeError):
                period = None
        s = services.suggest_plan(org, kind, period=period)
        initial.update(
            organization=org.pk,
            title=s["title"],
            start=timezone.localtime(s["start"]),
            end=timezone.localtime(s["end"]),
            place=s["place"],
            host=s["host"],
            recorder=s["recorder"],
        )
        return initial

    def form_valid(self, form):
        try:
            meeting = services.plan_meeting(actor=self.request.user, **form.service_kwargs())
        except ValidationError as exc:
            for msg in _error_messages(exc):
                form.add_error(None, msg)
            return self.form_invalid(form)
        messages.success(self.request, _("The meeting is planned. Record it here when it is held."))
        if meeting.start <= timezone.now() <= meeting.end:
            messages.info(
                self.request,
                _("The meeting is under way: show the sign-in code %(code)s.") % {"code": meeting.signin_code},
            )
        return redirect("meetings:meeting_record", meeting.pk)


def _parse_record(post, meeting, rows):
    attendance = {}
    for r in rows:
        prefix = f"att-{r.member_id}-"
        if prefix + "status" not in post:
            continue
        item = {
            "status": post.get(prefix + "status"),
            "leave_reason": post.get(prefix + "reason", ""),
            "is_committee": post.get(prefix + "committee") == "on",
            "remove": post.get(prefix + "remove") == "on",
        }
        if meeting.kind == MeetingKind.DEMOCRATIC_REVIEW:
            item["grade"] = post.get(prefix + "grade", "")
        attendance[r.member_id] = item
    topics = []
    i = 0
    while f"topic-{i}-title" in post:
        topics.append(
            {
                "title": post.get(f"topic-{i}-title", ""),
                "is_first_topic": post.get(f"topic-{i}-first") == "on",
                "material": post.get(f"topic-{i}-material", ""),
            }
        )
        i += 1
    return attendance, (topics if i else None)


class MeetingRecordView(MeetingQueryMixin, DetailView):
    """The one page a secretary fills after the meeting (works on a phone; autosaves)."""

    template_name = "meetings/meeting_record.html"
    context_object_name = "meeting"
    scope_action = "change"

    def get_queryset(self):
        return _detail_queryset(super().get_queryset())

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status in (MeetingStatus.SUBMITTED, MeetingStatus.CANCELLED):
            return redirect("meetings:meeting_detail", self.object.pk)
        return self.render_to_response(self.get_context_data(form=RecordForm(instance=self.object)))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.object
        topics = list(m.topics.all())
        rows = [{"title": t.title, "first": t.is_first_topic, "material": t.material} for t in topics]
        rows += [{"title": "", "first": not topics and i == 0, "material": ""} for i in range(EXTRA_TOPIC_ROWS)]
        ctx["topic_rows"] = rows
        ctx["statuses"] = AttendanceStatus.choices
        ctx["grades"] = ReviewGrade.choices
        ctx["is_review"] = m.kind == MeetingKind.DEMOCRATIC_REVIEW
        ctx["is_org_life"] = m.kind == MeetingKind.ORG_LIFE
        ctx["full_category"] = MemberCategory.FULL
        ctx["problems"] = services.problems(m)
        ctx["warnings"] = services.warnings(m)
        opens, closes = services.signin_window(m)
        ctx["signin_open"] = opens <= timezone.now() <= closes
        ctx["rule"] = services.kind_rule(m.kind)
        ctx["upload_form"] = UploadForm()
        ctx["breadcrumbs"] = breadcrumbs_for(self.request.user, m.organization) + [m.organization]
        return ctx

    def post(self, request, *args, **kwargs):
        self.object = meeting = self.get_object()
        form = RecordForm(request.POST, instance=meeting)
        is_htmx = request.headers.get("HX-Request") == "true"
        if not form.is_valid():
            if is_htmx:
                return render(request, "meetings/_autosave.html", {"errors": form.errors, "saved": False})
            return self.render_to_response(self.get_context_data(form=form))
        fields = {name: form.cleaned_data[name] for name in RecordForm.Meta.fields}
        attendance, topics = _parse_record(request.POST, meeting, list(meeting.attendances.all()))
        try:
            meeting = services.save_record(
                actor=request.user,
                meeting=meeting,
                fields=fields,
                attendance=attendance,
                topics=topics,
                uploads=() if is_htmx else request.FILES.getlist("photos"),
            )
        except ValidationError as exc:
            if is_htmx:
                return render(request, "meetings/_autosave.html", {"error_list": _error_messages(exc), "saved": False})
            for msg in _error_messages(exc):
                messages.error(request, msg)
            return redirect("meetings:meeting_record", meeting.pk)
        if is_htmx:
            return render(
                request,
                "meetings/_autosave.html",
                {
                    "saved": True,
                    "at": timezone.localtime(),
                    "problems": services.problems(meeting),
                    "warnings": services.warnings(meeting),
                },
            )
        if request.POST.get("action") == "submit":
            try:
                services.submit_meeting(actor=request.user, meeting=meeting)
            except ValidationError as exc:
                messages.error(request, _("The meeting cannot be submitted yet:"))
                for msg in _error_messages(exc):
                    messages.error(request, msg)
                return redirect("meetings:meeting_record", meeting.pk)
            messages.success(request, _("The meeting is submitted."))
            return redirect("meetings:meeting_detail", meeting.pk)
        messages.success(request, _("The draft is saved."))
        return redirect("meetings:meeting_record", meeting.pk)


class UploadView(_MeetingAction):
    def post(self, request, pk):
        meeting = self.meeting(pk)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file to upload."))
        else:
            try:
                services.add_attachment(actor=request.user, meeting=meeting, uploaded=form.cleaned_data["file"])
                messages.success(request, _("The file is uploaded."))
            except ValidationError as exc:
                for msg in _error_messages(exc):
                    messages.error(request, msg)
        target = "meetings:meeting_record" if meeting.status in ("planned", "draft") else "meetings:meeting_detail"
        return redirect(target, meeting.pk)


class CancelView(_MeetingAction):
    def post(self, request, pk):
        meeting = self.meeting(pk)
        try:
            services.cancel_meeting(actor=request.user, meeting=meeting, reason=request.POST.get("reason", ""))
            messages.success(request, _("The meeting is cancelled."))
        except ValidationError as exc:
            for msg in _error_messages(exc):
                messages.error(request, msg)
        return redirect("meetings:meeting_detail", meeting.pk)


class SignInQrView(MeetingQueryMixin, View):
    scope_action = "change"

    def get(self, request, pk):
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        url = request.build_absolute_uri(reverse("meetings:signin") + f"?code={meeting.signin_code}")
        # A standalone SVG document (with its XML namespace): ``svg_inline`` has none and renders broken in <img>.
        buf = io.BytesIO()
        segno.make(url, error="m").save(buf, kind="svg", scale=5, xmldecl=False)
        return HttpResponse(buf.getvalue(), content_type="image/svg+xml")


class SignInView(LoginRequiredMixin, FormView):
    form_class = SignInForm
    template_name = "meetings/signin.html"

    def get_initial(self):
        return {"code": self.request.GET.get("code", "")}

    def form_valid(self, form):
        try:
            meeting = services.self_sign_in(actor=self.request.user, code=form.cleaned_data["code"])
        except (ValidationError, PermissionDenied) as exc:
            for msg in _error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                form.add_error("code", msg)
            return self.form_invalid(form)
        messages.success(self.request, _("You are signed in to %(title)s.") % {"title": meeting.title})
        return redirect("meetings:signin")
