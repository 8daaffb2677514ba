"""Material collection pages: requests, the overview per organisation, answering and reviewing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.models import Organization
from branches.uploads import serve

from ..views import error_messages
from . import exports, relay, services
from .forms import AnswerForm, RelayForm, RequestForm, ReturnForm
from .models import MaterialRequest, Submission, SubmissionStatus


def status_counts(request: MaterialRequest) -> dict:
    """未报/草稿/已报/退回/通过 and late, one query."""
    agg = Submission.objects.filter(request=request).aggregate(
        total=Count("id"),
        late=Count("id", filter=Q(is_late=True)),
        **{s: Count("id", filter=Q(status=s)) for s in SubmissionStatus.values},
    )
    return agg


class RequestListView(ScopedMixin, PaginatedMixin, ListView):
    model = MaterialRequest
    template_name = "notices/request_list.html"
    paginate_by = 30

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organization__unit")
            .annotate(
                n_total=Count("submissions"),
                n_done=Count(
                    "submissions",
                    filter=Q(submissions__status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED]),
                ),
            )
            .order_by("-created_at", "-id")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_request"] = has_permission(self.request.user, "collection.request")
        return ctx


class SubmissionTodoView(ScopedMixin, PaginatedMixin, ListView):
    """The requests the user's organisations must answer."""

    model = Submission
    template_name = "notices/submission_todo.html"
    paginate_by = 30

    def get_queryset(self):
        from ..metrics import submission_rows
        from ..views import _period

        g = self.request.GET
        qs = super().get_queryset().select_related("request", "organization__unit").order_by("request__deadline", "-id")
        if g.get("open") != "0":
            qs = qs.exclude(status=SubmissionStatus.ACCEPTED)
        if g.get("period"):
            qs = qs.filter(pk__in=submission_rows(_period(self.request)).values("pk"))
        if g.get("org", "").isdigit():
            org = Organization.objects.visible_to(self.request.user, "collection.submit").filter(pk=g["org"]).first()
            qs = qs.filter(organization__path__startswith=org.path) if org else qs.none()
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["done_count"] = self.object_list.filter(
            status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED]
        ).count()
        return ctx


class RequestCreateView(LoginRequiredMixin, FormView):
    template_name = "notices/request_form.html"
    form_class = RequestForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "collection.request"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            req = services.create_request(
                actor=self.request.user,
                organization=d["organization"],
                title=d["title"],
                instructions=d["instructions"],
                deadline=d["deadline"],
                fields=services.parse_field_lines(d["field_lines"]),
                targets=d["target_list"],
                template=d.get("template"),
            )
        except ValidationError as exc:
            for m in error_messages(exc):
                form.add_error(None, m)
            return self.form_invalid(form)
        messages.success(self.request, _("The request is sent."))
        return redirect("notices:request_detail", req.pk)


class RequestDetailView(ScopedMixin, DetailView):
    """The overview: every target with its status, late ones marked; filters give the lists behind the counts."""

    model = MaterialRequest
    template_name = "notices/request_detail.html"
    context_object_name = "req"

    def get_queryset(self):
        return super().get_queryset().select_related("organization").prefetch_related("templates")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        req = self.object
        subs = (
            Submission.objects.filter(request=req).select_related("organization__unit").order_by("organization__path")
        )
        g = self.request.GET
        if g.get("status") in SubmissionStatus.values:
            subs = subs.filter(status=g["status"])
        if g.get("late") == "1":
            subs = subs.filter(is_late=True)
        page = PaginatedMixin()
        page.request = self.request
        page.paginate_by = 50
        ctx["page_obj"] = page.paginate(
            subs.only(
                "id",
                "status",
                "is_late",
                "submitted_at",
                "returned_count",
                "organization__name",
                "organization__path",
                "organization__depth",
                "organization__unit__name",
            )
        )
        ctx["counts"] = status_counts(req)
        ctx["statuses"] = SubmissionStatus.choices
        ctx["f"] = g
        return ctx


class RequestZipView(ScopedMixin, View):
    model = MaterialRequest

    def get(self, request, pk):
        req = get_object_or_404(self.get_queryset(), pk=pk)
        response = StreamingHttpResponse(exports.zip_stream(req), content_type="application/zip")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''request-{req.pk}-accepted.zip"
        return response


class RequestExcelView(ScopedMixin, View):
    model = MaterialRequest

    def get(self, request, pk):
        req = get_object_or_404(self.get_queryset(), pk=pk)
        response = HttpResponse(
            exports.answers_xlsx(req),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''request-{req.pk}-answers.xlsx"
        return response


class CloseRequestView(LoginRequiredMixin, View):
    def post(self, request, pk):
        req = get_object_or_404(MaterialRequest.objects.visible_to(request.user, "change"), pk=pk)
        services.close_request(actor=request.user, request=req)
        messages.success(request, _("The request is closed."))
        return redirect("notices:request_detail", req.pk)


def _submission_queryset(user):
    return Submission.objects.accessible_to(user).select_related("request__organization", "organization")


class SubmissionDetailView(ScopedMixin, DetailView):
    """The target answers here (draft or submit); the requester reviews (accept or return)."""

    model = Submission
    template_name = "notices/submission_detail.html"
    context_object_name = "sub"

    def get_queryset(self):
        return _submission_queryset(self.request.user).prefetch_related("files", "request__templates")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        sub, user = self.object, self.request.user
        ctx["can_answer"] = (
            Submission.objects.visible_to(user, "change").filter(pk=sub.pk).exists()
            and sub.status in services.ANSWERABLE
        )
        ctx["can_review"] = MaterialRequest.objects.visible_to(user, "change").filter(pk=sub.request_id).exists()
        initial = {f"f_{k}": v for k, v in sub.answers.items()}
        ctx.setdefault("form", AnswerForm(request=sub.request, initial={**initial, "note": sub.note}))
        ctx["return_form"] = ReturnForm()
        ctx["fields"] = [(f, sub.answers.get(f["key"], "")) for f in sub.request.fields]
        # Collected from below: the relays of this submission (seen by the unit and by the reviewer above).
        ctx["relays"] = list(relay.relays_of(sub))
        ctx["can_relay"] = ctx["can_answer"] and relay.may_relay(user, sub)
        if ctx["can_relay"]:
            ctx.setdefault("relay_form", RelayForm(user=user, organization=sub.organization))
        return ctx

    def post(self, request, pk):
        self.object = sub = get_object_or_404(Submission.objects.visible_to(request.user, "change"), pk=pk)
        form = AnswerForm(request.POST, request.FILES, request=sub.request)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.save_answer(
                    actor=request.user,
                    submission=sub,
                    answers=form.answers(),
                    files=form.files_by_key(),
                    note=form.cleaned_data["note"],
                    submit=submit,
                )
            except ValidationError as exc:
                for m in error_messages(exc):
                    messages.error(request, m)
            else:
                messages.success(request, _("Submitted.") if submit else _("The draft is saved."))
                return redirect("notices:submission_detail", sub.pk)
        self.object = _submission_queryset(request.user).get(pk=sub.pk)
        return render(request, self.template_name, self.get_context_data(form=form))


class RelayView(LoginRequiredMixin, View):
    """The answering unit asks its own subtree the same questions."""

    def post(self, request, pk):
        sub = get_object_or_404(
            Submission.objects.visible_to(request.user, "change").select_related("organization"), pk=pk
        )
        form = RelayForm(request.POST, user=request.user, organization=sub.organization)
        problems = [
            f"{form.fields[k].label if k in form.fields else ''}{'：' if k in form.fields else ''}{m}"
            for k, errs in form.errors.items()
            for m in errs
        ]
        if not problems:
            d = form.cleaned_data
            try:
                req = relay.relay_request(
                    actor=request.user,
                    submission=sub,
                    targets=d["target_list"],
                    deadline=d["deadline"],
                    instructions=d["instructions"],
                )
            except ValidationError as exc:
                problems = error_messages(exc)
            else:
                messages.success(request, _("The request is passed on to the organisations below."))
                return redirect("notices:request_detail", req.pk)
        for m in problems:
            messages.error(request, m)
        return redirect("notices:submission_detail", sub.pk)


class PassUpView(LoginRequiredMixin, View):
    """Gather the accepted answers from below into this submission (a draft the unit checks and submits)."""

    def post(self, request, pk):
        sub = get_object_or_404(Submission.objects.visible_to(request.user, "change"), pk=pk)
        try:
            relay.pass_up(actor=request.user, submission=sub, submit="submit" in request.POST)
        except (ValidationError, PermissionDenied) as exc:
            for m in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                messages.error(request, m)
        else:
            messages.success(request, _("The answers from below are gathered; check them and submit."))
        return redirect("notices:submission_detail", sub.pk)


class ReviewView(LoginRequiredMixin, View):
    def post(self, request, pk):
        sub = get_object_or_404(_submission_queryset(request.user).for_requester(request.user), pk=pk)
        try:
            if request.POST.get("decision") == "accept":
                services.accept_submission(actor=request.user, submission=sub)
                messages.success(request, _("Accepted."))
            else:
                form = ReturnForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                services.return_submission(actor=request.user, submission=sub, reason=reason)
                messages.success(request, _("Returned for changes."))
        except (ValidationError, PermissionDenied) as exc:
            for m in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                messages.error(request, m)
        return redirect(reverse("notices:request_detail", args=[sub.request_id]))


class SubmissionFileView(ScopedMixin, View):
    model = Submission

    def get(self, request, pk, file_id):
        sub = get_object_or_404(_submission_queryset(request.user), pk=pk)
        att = sub.files.filter(pk=file_id).first()
        if att is None:
            raise Http404
        return serve(att, inline=False)


class TemplateFileView(ScopedMixin, View):
    """The request's template: its requesters and its targets."""

    model = Submission

    def get(self, request, pk, template_id):
        sub = get_object_or_404(_submission_queryset(request.user), pk=pk)
        att = sub.request.templates.filter(pk=template_id).first()
        if att is None:
            raise Http404
        return serve(att, inline=False)
