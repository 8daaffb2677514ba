"""Pages of organisational life. Every page fetches through ``visible_to``; views call one service."""

from __future__ import annotations

import calendar
import datetime
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from .. import periods
from ..access import has_permission, primary_grant
from ..mixins import PaginatedMixin, ScopedMixin, breadcrumbs_for
from ..models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingAttachment,
    MeetingKind,
    MeetingStatus,
    Organization,
)
from ..models.meetings import ReviewGrade
from ..models.members import SECRET_FIELDS, MemberCategory
from ..uploads import serve
from . import compliance, exports, services
from .forms import CorrectionForm, PlanForm, RecordForm, SignInForm, UploadForm

EXTRA_TOPIC_ROWS = 2


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
        return Meeting.objects.select_related("organization")


class MeetingListView(MeetingQueryMixin, PaginatedMixin, ListView):
    template_name = "meetings/meeting_list.html"
    paginate_by = 30

    def get_queryset(self):
        qs = (
            super()
            .get_queryset()
            .annotate(
                present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT), distinct=True),
                expected=Count("attendances", distinct=True),
            )
            .order_by("-start", "-id")
        )
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


def _detail_queryset(qs):
    # The attendees' names, never their encrypted ID and phone numbers (decrypted on load).
    attendees = Attendance.objects.select_related("member").defer(*(f"member__{f}" for f in SECRET_FIELDS))
    return qs.select_related("organization", "host", "recorder", "submitted_by").prefetch_related(
        Prefetch("attendances", queryset=attendees),
        "topics",
        "attachments",
        "versions",
    )


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
        opens, closes = services.signin_window(m)
        ctx["signin_open"] = opens <= timezone.now() <= closes and m.status != MeetingStatus.CANCELLED
        rows = list(m.attendances.all())
        ctx["attendance_counts"] = {s: sum(1 for r in rows if r.status == s) for s in AttendanceStatus.values}
        ctx["problem_lines"] = [x for x in m.problems.splitlines() if x.strip()]
        ctx["rectification_lines"] = [x for x in m.rectifications.splitlines() if x.strip()]
        return ctx


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
        initial = {}
        org = self.request.GET.get("org")
        if org:
            initial["organization"] = org
        if self.request.GET.get("kind") in MeetingKind.values:
            initial["kind"] = self.request.GET["kind"]
        return initial

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            meeting = services.plan_meeting(
                actor=self.request.user,
                organization=d["organization"],
                kind=d["kind"],
                title=d["title"],
                start=d["start"],
                end=d["end"],
                place=d["place"],
                host=d["host"],
                recorder=d["recorder"],
                topics=form.topics(),
                send_notice=d["send_notice"],
            )
        except ValidationError as exc:
            for msg in _error_messages(exc):
                form.add_error(None, msg)
            return self.form_invalid(form)
        messages.success(self.request, _("The meeting is planned. Record it here when it is held."))
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
                actor=request.user, meeting=meeting, fields=fields, attendance=attendance, topics=topics
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
                {"saved": True, "at": timezone.localtime(), "problems": services.problems(meeting)},
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


class _MeetingAction(LoginRequiredMixin, View):
    """POST-only actions: fetch through visible_to(change), call one service."""

    def meeting(self, pk):
        return get_object_or_404(Meeting.objects.visible_to(self.request.user, "change"), pk=pk)


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
        from ..documents import services

        return services.download(request.user, "minutes", pk, self.fmt)


class SignInQrView(MeetingQueryMixin, View):
    scope_action = "change"

    def get(self, request, pk):
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        url = request.build_absolute_uri(reverse("meetings:signin") + f"?code={meeting.signin_code}")
        svg = segno.make(url, error="m").svg_inline(scale=5)
        return HttpResponse(svg, content_type="image/svg+xml")


class OrgScopedMixin(ScopedMixin):
    """Pages about one organisation's meetings: the organisation must be visible (else 404)."""

    model = Meeting
    scope_model = Meeting

    def get_org(self):
        orgs = Organization.objects.visible_to(self.request.user, "meeting.view")
        return get_object_or_404(orgs.select_related("unit"), pk=self.kwargs["org"])


class LedgerView(OrgScopedMixin, View):
    """The meeting ledger (台账) of an organisation and its subtree, as Excel."""

    def get(self, request, org):
        organization = self.get_org()
        p = _period_from(request, "year")
        qs = (
            self.get_queryset()
            .filter(organization__path__startswith=organization.path)
            .filter(start__gte=p.start_datetime(), start__lt=p.end_datetime())
            .exclude(status=MeetingStatus.CANCELLED)
        )
        data = exports.ledger_xlsx(qs, p, organization)
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote(f'组织生活台账-{organization.name}-{p.key}.xlsx')}"
        )
        return response


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


class ComplianceCardView(OrgScopedMixin, View):
    def get(self, request, org):
        organization = self.get_org()
        today = periods.today()
        cards = compliance.card(organization, today=today)
        ctx = {
            "org": organization,
            "cards": cards,
            "breadcrumbs": breadcrumbs_for(request.user, organization) + [organization],
            "can_plan": Organization.objects.visible_to(request.user, "meeting.change")
            .filter(pk=organization.pk)
            .exists(),
        }
        return render(request, "meetings/compliance_card.html", ctx)


class ComplianceMatrixView(ScopedMixin, PaginatedMixin, View):
    """Organisations × periods over the user's subtree (fixed query count)."""

    model = Meeting

    def get(self, request):
        if not has_permission(request.user, "meeting.compliance"):
            raise Http404
        year = request.GET.get("year", "")
        today = periods.today()
        year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year
        granularity = request.GET.get("by", "month")
        if granularity not in ("month", "quarter"):
            granularity = "month"
        cols, p = [], periods.period_containing(granularity, datetime.date(year, 1, 1))
        while p.start.year == year:
            cols.append(p)
            p = p.next()
        orgs_qs = Organization.objects.visible_to(request.user, "meeting.compliance").filter(is_active=True)
        kind = request.GET.get("kind", "branch")
        if kind in ("branch", "general_branch", "party_committee"):
            orgs_qs = orgs_qs.filter(kind=kind)
        q = request.GET.get("q", "").strip()
        if q:
            orgs_qs = orgs_qs.filter(name__icontains=q)
        page = self.paginate(
            orgs_qs.select_related("unit").order_by("path").only("id", "name", "kind", "path", "unit__name")
        )
        orgs = list(page.object_list)
        data = compliance.compute(
            orgs, cols + [periods.period_containing("year", datetime.date(year, 1, 1))], today=today
        )
        rows = [
            {
                "org": o,
                "cells": [(c, data[(o.pk, c.key)]) for c in cols],
                "year": data[(o.pk, str(year))],
            }
            for o in orgs
        ]
        ctx = {
            "rows": rows,
            "cols": cols,
            "year": year,
            "by": granularity,
            "kind": kind,
            "q": q,
            "page_obj": page,
            "years": list(range(today.year - 2, today.year + 1)),
        }
        return render(request, "meetings/compliance_matrix.html", ctx)


class MissingListView(ScopedMixin, View):
    """The required meetings not held in a period over an organisation's subtree (metric drill-down).

    Counted as ``meetings.missing_count`` counts (slots whose period has ended without the meeting); the slots
    still due are listed apart, and the held / missing totals give ``meetings.compliance_rate``.
    """

    model = Meeting

    def get(self, request):
        period = _period_from(request, "month")
        orgs = Organization.objects.visible_to(request.user, "meeting.view")
        if request.GET.get("org"):
            root = orgs.filter(pk=request.GET["org"]).first() if request.GET["org"].isdigit() else None
            orgs = orgs.filter(path__startswith=root.path) if root else orgs.none()
        orgs = list(orgs.filter(is_active=True).order_by("path").only("id", "name", "kind", "path")[:2000])
        data = compliance.compute(orgs, [period])
        missing, due, held = [], [], 0
        for o in orgs:
            for slot in data[(o.pk, period.key)].slots:
                if slot.status == compliance.MISSING:
                    missing.append({"org": o, "slot": slot})
                elif slot.status == compliance.DUE:
                    due.append({"org": o, "slot": slot})
                else:
                    held += 1
        return render(
            request,
            "meetings/missing_list.html",
            {
                "rows": missing,
                "due_rows": due,
                "held": held,
                "owed": held + len(missing),
                "period": period,
                "org_id": request.GET.get("org", ""),
            },
        )


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
