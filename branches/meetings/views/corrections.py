"""Corrections of a submitted record: a new version with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from ...models import (
    MeetingStatus,
)
from .. import services
from ..forms import CorrectionForm
from .common import MeetingQueryMixin, _error_messages


class CorrectView(MeetingQueryMixin, DetailView):
    template_name = "meetings/meeting_correct.html"
    context_object_name = "meeting"
    scope_action = "change"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["locked"] = services.is_locked(self.object)
        return ctx

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status != MeetingStatus.SUBMITTED:
            return self.render_to_response(self.get_context_data(form=None))
        form = CorrectionForm(initial={"minutes": self.object.minutes, "resolutions": self.object.resolutions})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.object = meeting = self.get_object()
        form = CorrectionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.correct_meeting(
                    actor=request.user,
                    meeting=meeting,
                    reason=d["reason"],
                    fields={"minutes": d["minutes"], "resolutions": d["resolutions"]},
                )
                messages.success(request, _("The correction is saved as a new version."))
                return redirect("meetings:meeting_detail", meeting.pk)
            except ValidationError as exc:
                for msg in _error_messages(exc):
                    form.add_error(None, msg)
        return self.render_to_response(self.get_context_data(form=form))
