"""Reading pages: the list, a meeting, its files and minutes, the calendar and the Excel ledger."""

from __future__ import annotations

import calendar

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView

from ... import periods
from ...access import has_permission, primary_grant
from ...mixins import PaginatedMixin, breadcrumbs_for
from ...models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingAttachment,
    MeetingKind,
    MeetingStatus,
    Organization,
)
from ...uploads import serve
from .. import compliance, services
from .common import MeetingQueryMixin, OrgScopedMixin, _detail_queryset, _period_from


def _with_attendance(meetings) -> None:
    """Set ``present`` and ``expected`` (attendance rows) on a page of meetings: one query."""
    meetings = list(meetings)
    counts = {
        row["meeting_id"]: row
        for row in Attendance.objects.filter(meeting_id__in=[m.pk for m in meetings])
        .values("meeting_id")
        .annotate(present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)), expected=Count("pk"))
        .order_by()
    }
    for m in meetings:
        row = counts.get(m.pk, {})
        m.present, m.expected = row.get("present", 0), row.get("expected", 0)


class MeetingListView(MeetingQueryMixin, PaginatedMixin, ListView):
    template_name = "meetings/meeting_list.html"
    paginate_by = 30

    def get_queryset(self):
        # No attendance join here: counting it over the whole scope before the page is cut cost the
        # committee's city-wide list 0.7 s; the page's counts are read apart (``_with_attendance``).
        qs = super().get_queryset().order_by("-start", "-id")
        g = self.request.GET
        if g.get("org"):
            org = Organization.objects.visible_to(self.request.user, "meeting.view").filter(pk=g["org"]).first()
            qs = qs.filter(organization__path__startswith=org.path) if org else qs.none()
        if g.get("kind") in MeetingKind.values:
            qs = qs.filter(kind=g["kind"])
        if g.get("status") in MeetingStatus.values:
            qs = qs.filter(status=g["status"])
        if g.get("period"):
            p = _period_from(self.request)
            qs = qs.filter(start__gte=p.start_datetime(), start__lt=p.end_datetime())
        if g.get("q"):
            qs = qs.filter(title__icontains=g["q"].strip())
        self.first_topic = g.get("first_topic") == "required"
        if self.first_topic:
            # The meetings the first-topic coverage counts (``compliance.compute``): kinds that require a
            # first topic, in active organisations; ``has_first_topic`` tells which covered it.
            qs = qs.filter(kind__in=compliance.first_topic_kinds(), organization__is_active=True)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        _with_attendance(ctx["object_list"])
        if self.first_topic:
            ctx["first_topic_held"] = self.object_list.filter(has_first_topic=True).count()
        ctx["first_topic"] = self.first_topic
        ctx["kinds"] = MeetingKind.choices
        ctx["statuses"] = MeetingStatus.choices
        ctx["can_plan"] = has_permission(self.request.user, "meeting.change")
        ctx["query"] = self.request.GET.urlencode()
        ctx["f"] = self.request.GET
        ctx["home_org"] = self.home_org()
        return ctx

    def home_org(self):
        """The organisation the filter names, else the one of the user's main role."""
        user = self.request.user
        org_id = self.request.GET.get("org")
        if org_id and org_id.isdigit():
            return Organization.objects.visible_to(user, "meeting.view").filter(pk=org_id).first()
        grant = primary_grant(user)
        return grant.organization if grant else None


class MeetingDetailView(MeetingQueryMixin, DetailView):
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return _detail_queryset(super().get_queryset())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.object
        user = self.request.user
        ctx["breadcrumbs"] = breadcrumbs_for(user, m.organization) + [m.organization]
        ctx["can_change"] = Meeting.objects.visible_to(user, "change").filter(pk=m.pk).exists()
        ctx["locked"] = services.is_locked(m)
        ctx["problems"] = services.problems(m) if m.status in (MeetingStatus.PLANNED, MeetingStatus.DRAFT) else []
        ctx["warnings"] = services.warnings(m)
        ctx["history"] = services.version_changes(m) if m.version > 1 else []
        opens, closes = services.signin_window(m)
        ctx["signin_open"] = opens <= timezone.now() <= closes and m.status != MeetingStatus.CANCELLED
        rows = list(m.attendances.all())
        ctx["attendance_counts"] = {s: sum(1 for r in rows if r.status == s) for s in AttendanceStatus.values}
        ctx["problem_lines"] = [x for x in m.problems.splitlines() if x.strip()]
        ctx["rectification_lines"] = [x for x in m.rectifications.splitlines() if x.strip()]
        return ctx


class AttachmentView(MeetingQueryMixin, View):
    """Serve a meeting file: the meeting is fetched through visible_to first (404 outside scope)."""

    thumbnail = False

    def get(self, request, pk, file_id):
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        att = get_object_or_404(MeetingAttachment.objects.filter(meeting=meeting), pk=file_id)
        return serve(att, thumbnail=self.thumbnail, inline=att.is_image or att.content_type == "application/pdf")


class MinutesDocxView(MeetingQueryMixin, View):
    """The minutes as .docx (or PDF with ``fmt=pdf``), both from ``documents.minutes_document``."""

    fmt = "docx"

    def get(self, request, pk):
        from ...documents import services

        return services.download(request.user, "minutes", pk, self.fmt)


class CalendarView(OrgScopedMixin, View):
    def get(self, request, org):
        organization = self.get_org()
        month = _period_from(request, "month")
        if month.kind != "month":
            month = periods.period_containing("month", month.start)
        meetings = list(
            self.get_queryset()
            .filter(organization=organization, start__gte=month.start_datetime(), start__lt=month.end_datetime())
            .order_by("start")
        )
        by_day = {}
        for m in meetings:
            by_day.setdefault(timezone.localtime(m.start).date(), []).append(m)
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.start.year, month.start.month):
            weeks.append(
                [{"day": d, "in_month": d.month == month.start.month, "meetings": by_day.get(d, [])} for d in week]
            )
        ctx = {
            "org": organization,
            "month": month,
            "weeks": weeks,
            "meetings": meetings,
            "prev": month.previous().key,
            "next": month.next().key,
            "today": periods.today(),
            "breadcrumbs": breadcrumbs_for(request.user, organization) + [organization],
            "can_plan": Organization.objects.visible_to(request.user, "meeting.change")
            .filter(pk=organization.pk)
            .exists(),
        }
        return render(request, "meetings/meeting_calendar.html", ctx)
