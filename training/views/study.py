"""我的学习: a member's assignments, an item's reading or video page with its heartbeat, files
served in ranges."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from branches.mixins import ScopedMixin

from .. import services
from ..forms import (
    SignInForm,
)
from ..models import (
    Assignment,
    ClassSession,
    HoursClaim,
    HoursEntry,
    ItemKind,
    ItemProgress,
    QuizAttempt,
    StudyItem,
    StudyItemFile,
    StudyPolicy,
)
from .common import _done_count, _int, _items_count


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
