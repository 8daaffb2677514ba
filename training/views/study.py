"""Pages of study and training. Each view fetches through ``visible_to`` and calls one service."""

from __future__ import annotations

import datetime
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from branches import periods
from branches.mixins import PaginatedMixin, ScopedMixin, breadcrumbs_for
from branches.models import Member, Organization

from .. import exports, metrics, services
from ..forms import (
    AssignForm,
    ClaimForm,
    ClassForm,
    ItemForm,
    LeaveForm,
    LectureForm,
    ModuleForm,
    QuestionForm,
    SessionForm,
    SignInForm,
)
from ..models import (
    Assignment,
    AttendanceStatus,
    ClaimStatus,
    ClassSession,
    Enrollment,
    HoursClaim,
    HoursEntry,
    ItemKind,
    ItemProgress,
    Lecture,
    QuizAttempt,
    StudyItem,
    StudyItemFile,
    StudyModule,
    StudyPolicy,
    TrainingClass,
)


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        return this_year
    return year if 2000 <= year <= 2100 else this_year


def _overview_period(request) -> periods.Period:
    """``period=2026-Q2`` (a month, quarter or year, as the dashboards link), else the ``year``."""
    key = request.GET.get("period", "")
    try:
        period = periods.parse(key) if key else None
    except (ValueError, TypeError):
        period = None
    if period is None or not 2000 <= period.start.year <= 2100:
        period = periods.period_containing("year", datetime.date(_year(request), 1, 1))
    return period


def _int(value) -> int:
    """A posted id, or 0 (which matches nothing) when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _items_count():
    return Coalesce(
        Subquery(
            StudyItem.objects.filter(module_id=OuterRef("module_id"))
            .values("module_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _done_count():
    return Coalesce(
        Subquery(
            ItemProgress.objects.filter(assignment_id=OuterRef("pk"), completed_at__isnull=False)
            .values("assignment_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


# --- 我的学习 -----------------------------------------------------------------------------------


class MyStudyView(LoginRequiredMixin, TemplateView):
    """The member's own assignments, hours against the target, classes and claims."""

    template_name = "training/assignment_list.html"
    model = Assignment
    scoped = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        member = services.member_of(self.request.user)
        year = timezone.localdate().year
        ctx.update(member=member, year=year, today=timezone.localdate())
        if member is None:
            return ctx
        assignments = list(
            Assignment.objects.filter(member=member)
            .select_related("module")
            .annotate(total_items=_items_count(), done_items=_done_count())
            .order_by("completed_at", "due_date", "pk")
        )
        for a in assignments:
            a.percent = round(100 * a.done_items / a.total_items) if a.total_items else 0
        hours = services.hours_in_year(member, year)
        target = services.target_hours(member)
        now = timezone.now()
        ctx.update(
            assignments=assignments,
            open_count=sum(1 for a in assignments if not a.completed_at),
            hours=hours,
            target=target,
            hours_percent=min(100, round(100 * hours / target)) if target else 100,
            entries=list(HoursEntry.objects.filter(member=member, year=year).select_related("item")[:10]),
            claims=list(HoursClaim.objects.filter(member=member)[:5]),
            sessions=list(
                ClassSession.objects.filter(
                    training_class__enrollments__member=member,
                    ends_at__gte=now,
                    closed_at__isnull=True,
                )
                .select_related("training_class")
                .order_by("starts_at")[:5]
            ),
            sign_in_form=SignInForm(),
        )
        return ctx


class AssignmentDetailView(ScopedMixin, DetailView):
    model = Assignment
    template_name = "training/assignment_detail.html"
    context_object_name = "assignment"

    def get_queryset(self):
        return super().get_queryset().select_related("module", "member__organization")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        a = self.object
        items = list(a.module.items.all())
        progress = {p.item_id: p for p in a.progress.all()}
        for item in items:
            item.progress = progress.get(item.pk)
        ctx.update(items=items, is_own=a.member.user_id == self.request.user.pk)
        return ctx


class ItemView(ScopedMixin, DetailView):
    """The player: a reading, a document, a video, a link or a quiz, inside an assignment."""

    model = Assignment
    context_object_name = "assignment"

    def get_queryset(self):
        return super().get_queryset().select_related("module", "member")

    def get_item(self):
        return get_object_or_404(StudyItem, pk=self.kwargs["item"], module_id=self.object.module_id)

    def get_template_names(self):
        return ["training/quiz_take.html" if self.item.kind == ItemKind.QUIZ else "training/item_detail.html"]

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.item = self.get_item()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        a, item = self.object, self.item
        progress = ItemProgress.objects.filter(assignment=a, item=item).first()
        policy = StudyPolicy.current()
        items = list(a.module.items.values_list("pk", flat=True))
        idx = items.index(item.pk)
        ctx.update(
            item=item,
            progress=progress,
            policy=policy,
            is_own=a.member.user_id == self.request.user.pk,
            files=list(item.files.all()),
            next_item=items[idx + 1] if idx + 1 < len(items) else None,
            required_seconds=item.min_minutes * 60,
            beat_url=reverse("api-assignment-heartbeat", args=[a.pk]),
        )
        if item.kind == ItemKind.QUIZ:
            attempts = list(QuizAttempt.objects.filter(assignment=a, item=item))
            now = timezone.now()
            open_attempt = next((t for t in attempts if t.submitted_at is None and t.deadline > now), None)
            ctx.update(
                attempts=attempts,
                attempts_left=max(0, item.attempt_limit - len(attempts)),
                passed=any(t.passed for t in attempts),
                open_attempt=open_attempt,
            )
            if open_attempt:
                from ..models import Question

                qs = {
                    q.pk: q
                    for q in Question.objects.filter(pk__in=open_attempt.question_ids).prefetch_related("choices")
                }
                ctx["questions"] = [qs[i] for i in open_attempt.question_ids if i in qs]
                ctx["seconds_left"] = max(0, int((open_attempt.deadline - now).total_seconds()))
        return ctx

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.item = self.get_item()
        if self.item.kind != ItemKind.QUIZ:
            return HttpResponseNotAllowed(["GET"])
        try:
            if request.POST.get("action") == "start":
                services.start_attempt(actor=request.user, assignment=self.object, item=self.item)
                return redirect(request.path)
            attempt = get_object_or_404(
                QuizAttempt, pk=_int(request.POST.get("attempt")), assignment=self.object, item=self.item
            )
            answers = {str(qid): request.POST.getlist(f"q{qid}") for qid in attempt.question_ids}
            result = services.submit_attempt(actor=request.user, attempt=attempt, answers=answers)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(request.path)
        ctx = self.get_context_data(result=result)
        return self.response_class(
            request=request, template="training/quiz_result.html", context=ctx, using=self.template_engine
        )


RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)$")
MAX_CHUNK = 4 * 1024 * 1024


def ranged_response(request, attachment: StudyItemFile) -> HttpResponse:
    """Serve a study file with HTTP Range support so videos can seek and resume."""
    from branches.uploads import serve

    size = attachment.size or attachment.file.size
    header = request.headers.get("Range", "")
    m = RANGE_RE.match(header.strip())
    if not m:
        response = serve(attachment)
        response["Accept-Ranges"] = "bytes"
        return response
    start_s, end_s = m.groups()
    if start_s == "":
        length = int(end_s or 0)
        start, end = max(0, size - length), size - 1
    else:
        start = int(start_s)
        end = min(int(end_s) if end_s else size - 1, size - 1, start + MAX_CHUNK - 1)
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    with attachment.file.open("rb") as fh:
        fh.seek(start)
        data = fh.read(end - start + 1)
    response = HttpResponse(data, status=206, content_type=attachment.content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


class ItemFileView(ScopedMixin, DetailView):
    """A PDF or video of an item, only to those who may see the assignment."""

    model = Assignment

    def get(self, request, *args, **kwargs):
        assignment = self.get_object()
        attachment = get_object_or_404(
            StudyItemFile, pk=kwargs["file"], item_id=kwargs["item"], item__module_id=assignment.module_id
        )
        return ranged_response(request, attachment)


# --- Management: modules, items, questions, audiences ----------------------------------------


class ModuleListView(ScopedMixin, PaginatedMixin, ListView):
    model = StudyModule
    template_name = "training/studymodule_list.html"
    paginate_by = 30

    def get_queryset(self):
        items = StudyItem.objects.filter(module_id=OuterRef("pk")).values("module_id").annotate(n=Count("pk"))
        assigned = Assignment.objects.filter(module_id=OuterRef("pk")).values("module_id").annotate(n=Count("pk"))
        done = (
            Assignment.objects.filter(module_id=OuterRef("pk"), completed_at__isnull=False)
            .values("module_id")
            .annotate(n=Count("pk"))
        )
        qs = (
            super()
            .get_queryset()
            .filter(organization__in=Organization.objects.visible_to(self.request.user, "study.view").values("pk"))
            .select_related("organization")
            .annotate(
                item_count=Coalesce(Subquery(items.values("n"), output_field=IntegerField()), 0),
                assigned_count=Coalesce(Subquery(assigned.values("n"), output_field=IntegerField()), 0),
                done_count=Coalesce(Subquery(done.values("n"), output_field=IntegerField()), 0),
            )
        )
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(title__icontains=q)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["q"] = self.request.GET.get("q", "")
        ctx["can_manage"] = Organization.objects.visible_to(self.request.user, "study.manage").exists()
        return ctx


class ModuleDetailView(ScopedMixin, DetailView):
    model = StudyModule
    template_name = "training/studymodule_detail.html"
    context_object_name = "module"

    def get_queryset(self):
        return super().get_queryset().select_related("organization")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.object
        user = self.request.user
        ctx["items"] = list(m.items.annotate(question_count_actual=Count("questions")))
        ctx["audiences"] = list(m.audiences.select_related("organization"))
        visible = Assignment.objects.visible_to(user).filter(module=m)
        ctx["stats"] = visible.aggregate(
            total=Count("pk"),
            done=Count("pk", filter=Q(completed_at__isnull=False)),
            overdue=Count("pk", filter=Q(completed_at__isnull=True, due_date__lt=timezone.localdate())),
        )
        ctx["can_manage"] = StudyModule.objects.visible_to(user, "change").filter(pk=m.pk).exists()
        ctx["breadcrumbs"] = breadcrumbs_for(user, m.organization)
        return ctx


class ModuleCreateView(LoginRequiredMixin, FormView):
    form_class = ModuleForm
    template_name = "training/studymodule_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def form_valid(self, form):
        try:
            module = services.create_module(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            return self.form_invalid(form)
        messages.success(self.request, _("Module created. Now add its items."))
        return redirect("training:module_detail", pk=module.pk)


class _ModuleChildForm(ScopedMixin, FormView):
    """A form on a module the user may change (404 otherwise)."""

    model = StudyModule
    scope_action = "change"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.module = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(module=self.module, **kwargs)

    def run(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.run(form)
        except (ValidationError, PermissionDenied) as exc:
            _apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            return self.form_invalid(form)
        return redirect("training:module_detail", pk=self.module.pk)


class ItemCreateView(_ModuleChildForm):
    form_class = ItemForm
    template_name = "training/studyitem_form.html"

    def run(self, form):
        data = dict(form.cleaned_data)
        services.add_item_with_file(
            actor=self.request.user,
            module=self.module,
            kind=data.pop("kind"),
            title=data.pop("title"),
            upload=data.pop("file", None),
            **data,
        )
        messages.success(self.request, _("Item added."))


class QuestionCreateView(_ModuleChildForm):
    form_class = QuestionForm
    template_name = "training/question_form.html"

    def get_context_data(self, **kwargs):
        item = get_object_or_404(StudyItem, pk=self.kwargs["item"], module=self.module, kind=ItemKind.QUIZ)
        return super().get_context_data(item=item, **kwargs)

    def run(self, form):
        item = get_object_or_404(StudyItem, pk=self.kwargs["item"], module=self.module, kind=ItemKind.QUIZ)
        services.add_question(actor=self.request.user, item=item, **form.cleaned_data)
        messages.success(self.request, _("Question added."))


class AssignView(_ModuleChildForm):
    form_class = AssignForm
    template_name = "training/audience_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def run(self, form):
        data = dict(form.cleaned_data)
        data["people"] = list(data["people"])
        _audience, created = services.assign_module(actor=self.request.user, module=self.module, **data)
        messages.success(self.request, _("Assigned to %(n)s people.") % {"n": created})


# --- Progress views: branch matrix, committee overview --------------------------------------


def branch_matrix_data(org: Organization, year: int, members=None):
    """People × modules of an organisation's subtree in a fixed number of queries.

    ``members``: the people to show (e.g. one page); default everyone active in the subtree.
    """
    if members is None:
        members = list(matrix_members(org))
    ids = [m.pk for m in members]
    assignments = list(
        Assignment.objects.filter(member_id__in=ids, module__year=year)
        .select_related("module")
        .only("pk", "member_id", "module_id", "module__title", "completed_at", "due_date")
    )
    modules = sorted({a.module_id: a.module for a in assignments}.values(), key=lambda m: m.pk)
    cells = {(a.member_id, a.module_id): a for a in assignments}
    hours = dict(
        HoursEntry.objects.filter(member_id__in=ids, year=year)
        .values("member_id")
        .annotate(h=Sum("hours"))
        .values_list("member_id", "h")
    )
    today = timezone.localdate()
    rows = []
    for m in members:
        row_cells = []
        overdue = False
        for mod in modules:
            a = cells.get((m.pk, mod.pk))
            state = "none"
            if a is not None:
                if a.completed_at:
                    state = "done"
                elif a.due_date and a.due_date < today:
                    state, overdue = "overdue", True
                else:
                    state = "open"
            row_cells.append(state)
        rows.append({"member": m, "cells": row_cells, "hours": hours.get(m.pk) or 0, "overdue": overdue})
    return modules, rows


def matrix_members(org: Organization):
    return (
        Member.objects.filter(organization__path__startswith=org.path)
        .active()
        .only("pk", "name", "organization_id", "user_id")
        .order_by("organization__path", "name", "pk")
    )


class BranchMatrixView(ScopedMixin, PaginatedMixin, DetailView):
    model = Organization
    paginate_by = 100
    scope_action = "study.view_progress"
    template_name = "training/branch_matrix.html"
    context_object_name = "org"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        year = _year(request)
        if request.GET.get("format") == "xlsx":
            modules, rows = branch_matrix_data(self.object, year)
            return exports.matrix_workbook(self.object, year, modules, rows)
        page = self.paginate(matrix_members(self.object))
        modules, rows = branch_matrix_data(self.object, year, list(page.object_list))
        overdue = (
            Assignment.objects.filter(
                member__in=matrix_members(self.object),
                module__year=year,
                completed_at__isnull=True,
                due_date__lt=timezone.localdate(),
            )
            .values("member_id")
            .distinct()
            .count()
        )
        ctx = self.get_context_data(
            year=year,
            modules=modules,
            rows=rows,
            page_obj=page,
            overdue_count=overdue,
            breadcrumbs=breadcrumbs_for(request.user, self.object),
        )
        return self.render_to_response(ctx)


class CommitteeOverviewView(ScopedMixin, TemplateView):
    """Completion and hours per organisation, one level below the chosen one."""

    model = Organization
    scope_action = "study.view_progress"
    template_name = "training/committee_overview.html"

    def get(self, request, *args, **kwargs):
        visible = Organization.objects.visible_to(request.user, "study.view_progress")
        org_id = request.GET.get("org")
        parent = None
        if org_id:
            try:
                parent = visible.filter(pk=int(org_id)).first()
            except ValueError:
                parent = None
            if parent is None:
                raise Http404
        if parent is None:
            tops = list(visible.order_by("depth", "path")[:1])
            parent = tops[0] if tops else None
        period = _overview_period(request)
        year = period.start.year
        rows = []
        if parent is not None:
            children = list(visible.filter(parent=parent).exclude(kind="group").order_by("order", "name"))
            orgs = [parent, *children]
            counts = metrics.completion_counts(orgs, period)
            hours = metrics.hours_per_capita(orgs, period)
            for o in orgs:
                done, due = counts.get(o.pk, (0, 0))
                rows.append(
                    {
                        "org": o,
                        "done": done,
                        "due": due,
                        "rate": round(100 * done / due, 1) if due else None,
                        "hours": hours.get(o.pk),
                        "is_parent": o.pk == parent.pk,
                    }
                )
        if request.GET.get("format") == "xlsx":
            return exports.overview_workbook(parent, year, rows)
        ctx = self.get_context_data(
            parent=parent,
            year=year,
            period=period,
            rows=rows,
            breadcrumbs=breadcrumbs_for(request.user, parent) if parent else [],
        )
        return self.render_to_response(ctx)


# --- Claims -----------------------------------------------------------------------------------


class ClaimListView(ScopedMixin, PaginatedMixin, ListView):
    model = HoursClaim
    template_name = "training/hoursclaim_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("member__organization", "reviewed_by").order_by("status", "-pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = self.paginate(self.object_list)
        ctx.update(page_obj=page, claims=page.object_list)
        return ctx


class ClaimCreateView(LoginRequiredMixin, FormView):
    form_class = ClaimForm
    template_name = "training/hoursclaim_form.html"

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def form_valid(self, form):
        try:
            services.submit_claim(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            return self.form_invalid(form)
        messages.success(self.request, _("Claim submitted. Your secretary will review it."))
        return redirect("training:my_study")


class ClaimDetailView(ScopedMixin, DetailView):
    model = HoursClaim
    template_name = "training/hoursclaim_detail.html"
    context_object_name = "claim"

    def get_queryset(self):
        return super().get_queryset().select_related("member__organization", "reviewed_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        claim = self.object
        ctx["evidence"] = list(claim.evidence.all())
        ctx["can_review"] = (
            claim.status == ClaimStatus.PENDING
            and claim.member.user_id != self.request.user.pk
            and HoursClaim.objects.visible_to(self.request.user, "change").filter(pk=claim.pk).exists()
        )
        return ctx

    def post(self, request, *args, **kwargs):
        claim = self.get_object()
        try:
            services.review_claim(
                actor=request.user,
                claim=claim,
                approve=request.POST.get("decision") == "approve",
                note=request.POST.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Claim reviewed."))
        return redirect("training:claim_detail", pk=claim.pk)


class ClaimEvidenceView(ScopedMixin, DetailView):
    model = HoursClaim

    def get(self, request, *args, **kwargs):
        from branches.uploads import serve

        claim = self.get_object()
        evidence = claim.evidence.order_by("pk").first()
        if evidence is None:
            raise Http404
        return serve(evidence)


# --- Classes ----------------------------------------------------------------------------------


class ClassListView(ScopedMixin, PaginatedMixin, ListView):
    model = TrainingClass
    template_name = "training/trainingclass_list.html"

    def get_queryset(self):
        sessions = ClassSession.objects.filter(training_class_id=OuterRef("pk")).values("training_class_id")
        roster = Enrollment.objects.filter(training_class_id=OuterRef("pk")).values("training_class_id")
        return (
            super()
            .get_queryset()
            .select_related("organization")
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
        from ..models import Audience

        data = form.cleaned_data
        people = services.audience_members(
            Audience(organization=data["roster_org"], include_subtree=True, role=data["roster_role"] or "")
        )
        try:
            services._require(self.request.user, "study.manage", data["roster_org"])
            tc = services.create_class(
                actor=self.request.user,
                organization=data["organization"],
                title=data["title"],
                roster=list(people),
                makeup_module=data["makeup_module"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            return self.form_invalid(form)
        messages.success(
            self.request, _("Class created with %(n)s trainees. Now add its sessions.") % {"n": len(people)}
        )
        return redirect("training:class_detail", pk=tc.pk)


class SignInView(LoginRequiredMixin, View):
    """A member types the code shown in the classroom."""

    def post(self, request):
        form = SignInForm(request.POST)
        member = services.member_of(request.user)
        now = timezone.now()
        if not form.is_valid() or member is None:
            messages.error(request, _("Enter the sign-in code shown in the session."))
            return redirect("training:my_study")
        code = form.cleaned_data["code"].strip()
        session = (
            ClassSession.objects.filter(
                training_class__enrollments__member=member,
                sign_in_code=code,
                starts_at__lte=now + datetime.timedelta(minutes=30),
                ends_at__gte=now,
            )
            .select_related("training_class")
            .first()
        )
        if session is None:
            messages.error(request, _("No session of yours is open with this code."))
            return redirect("training:my_study")
        try:
            services.sign_in(actor=request.user, session=session, code=code, now=now)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Signed in to %(s)s.") % {"s": session.title})
        return redirect("training:my_study")


class LeaveView(LoginRequiredMixin, View):
    def post(self, request, session):
        member = services.member_of(request.user)
        session = get_object_or_404(ClassSession, pk=session, training_class__enrollments__member=member)
        form = LeaveForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Give the reason for leave."))
            services.request_leave(actor=request.user, session=session, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Leave requested."))
        return redirect("training:my_study")


# --- Lectures ---------------------------------------------------------------------------------


class LectureListView(ScopedMixin, PaginatedMixin, ListView):
    model = Lecture
    template_name = "training/lecture_list.html"

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization")
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
