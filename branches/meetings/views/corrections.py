"""Corrections of a submitted record: a new version with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from ...models import AttendanceStatus, MeetingStatus
from .. import services
from ..forms import CorrectionForm
from .common import MeetingQueryMixin, _detail_queryset, _error_messages
from .record import _parse_record


class CorrectView(MeetingQueryMixin, DetailView):
    template_name = "meetings/meeting_correct.html"
    context_object_name = "meeting"
    scope_action = "change"

    def get_queryset(self):
        return _detail_queryset(super().get_queryset())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.object
        topics = list(m.topics.all())
        ctx["topic_rows"] = [{"title": t.title, "first": t.is_first_topic, "material": t.material} for t in topics]
        ctx["topic_rows"].append({"title": "", "first": False, "material": ""})
        ctx["statuses"] = AttendanceStatus.choices
        return ctx

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status != MeetingStatus.SUBMITTED:
            return self.render_to_response(self.get_context_data(form=None))
        m = self.object
        form = CorrectionForm(initial={"place": m.place, "minutes": m.minutes, "resolutions": m.resolutions})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.object = meeting = self.get_object()
        form = CorrectionForm(request.POST)
        if form.is_valid():
            attendance, topics = _parse_record(request.POST, meeting, list(meeting.attendances.all()))
            try:
                services.correct_meeting(
                    actor=request.user, meeting=meeting, attendance=attendance, topics=topics, **form.service_kwargs()
                )
                messages.success(request, _("The correction is saved as a new version."))
                return redirect("meetings:meeting_detail", meeting.pk)
            except ValidationError as exc:
                for msg in _error_messages(exc):
                    form.add_error(None, msg)
        return self.render_to_response(self.get_context_data(form=form))
