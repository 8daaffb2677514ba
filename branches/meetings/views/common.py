"""Shared pieces of the meeting pages: scoped querysets and small helpers."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views import View

from ... import periods
from ...mixins import ScopedMixin
from ...models import (
    Attendance,
    Meeting,
    Organization,
)
from ...models.members import SECRET_FIELDS


def _period_from(request, default_kind="month"):
    key = request.GET.get("period", "")
    try:
        return periods.parse(key) if key else periods.period_containing(default_kind, periods.today())
    except (ValueError, TypeError):
        return periods.period_containing(default_kind, periods.today())


def _error_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


class MeetingQueryMixin(ScopedMixin):
    model = Meeting

    def get_base_queryset(self):
        return Meeting.objects.select_related("organization__unit")


def _detail_queryset(qs):
    # The attendees' names, never their encrypted ID and phone numbers (decrypted on load).
    attendees = Attendance.objects.select_related("member").defer(*(f"member__{f}" for f in SECRET_FIELDS))
    return qs.select_related("organization__unit", "host", "recorder", "submitted_by").prefetch_related(
        Prefetch("attendances", queryset=attendees),
        "topics",
        "attachments",
        "versions",
    )


class _MeetingAction(LoginRequiredMixin, View):
    """POST-only actions: fetch through visible_to(change), call one service."""

    def meeting(self, pk):
        return get_object_or_404(Meeting.objects.visible_to(self.request.user, "change"), pk=pk)


class OrgScopedMixin(ScopedMixin):
    """Pages about one organisation's meetings: the organisation must be visible (else 404)."""

    model = Meeting
    scope_model = Meeting

    def get_org(self):
        orgs = Organization.objects.visible_to(self.request.user, "meeting.view")
        return get_object_or_404(orgs.select_related("unit"), pk=self.kwargs["org"])
