"""Pages of 调查研究. Every page fetches through ``visible_to``; views call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches import periods
from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.querysets import in_subtree
from branches.uploads import serve

from ..common import ScopedAction, error_messages, org_filter, year_from
from ..forms import UploadForm
from . import services
from .forms import OutcomeForm, PhotoForm, TopicForm
from .models import ResearchPhoto, ResearchReport, ResearchTopic


def _flash(request, exc):
    for msg in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, msg)


class TopicListView(ScopedMixin, PaginatedMixin, ListView):
    """Topics of a year under an organisation; ``?status=filed`` those whose report is filed."""

    model = ResearchTopic
    template_name = "practice/researchtopic_list.html"

    def get_queryset(self):
        self.year = year_from(self.request)
        qs = (
            super()
            .get_queryset()
            .filter(year=self.year)
            .select_related("organization__unit", "leader")
            .only(
                "id",
                "title",
                "year",
                "report_filed_on",
                "organization__name",
                "organization__depth",
                "organization__unit__name",
                "leader__name",
            )
            .annotate(outcome_count=Count("outcomes"))
            .order_by("organization__path", "id")
        )
        org, named = org_filter(self.request)
        if named:
            qs = in_subtree(qs, "organization", org) if org else qs.none()
        status = self.request.GET.get("status")
        if status == "filed":
            qs = qs.filter(report_filed_on__isnull=False)
        elif status == "missing":
            qs = qs.filter(report_filed_on__isnull=True)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(year=self.year, f=self.request.GET, can_create=has_permission(self.request.user, "practice.change"))
        return ctx


class TopicCreateView(LoginRequiredMixin, FormView):
    form_class = TopicForm
    template_name = "practice/researchtopic_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "practice.change"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"year": periods.today().year}

    def form_valid(self, form):
        try:
            topic = services.create_topic(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            for msg in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                form.add_error(None, msg)
            return self.form_invalid(form)
        messages.success(self.request, _("The research topic is registered."))
        return redirect("practice:research_detail", topic.pk)


class TopicDetailView(ScopedMixin, DetailView):
    model = ResearchTopic
    template_name = "practice/researchtopic_detail.html"
    context_object_name = "topic"

    def get_base_queryset(self):
        return ResearchTopic.objects.select_related("organization", "leader").prefetch_related(
            "reports", "outcomes", "members", "photos"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_change"] = (
            ResearchTopic.objects.visible_to(self.request.user, "change").filter(pk=self.object.pk).exists()
        )
        ctx["upload_form"] = UploadForm()
        ctx["outcome_form"] = OutcomeForm(initial={"date": periods.today()})
        return ctx


class ReportUploadView(ScopedAction):
    model = ResearchTopic

    def post(self, request, pk):
        topic = self.get_object(pk)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file to upload."))
        else:
            try:
                services.file_report(actor=request.user, topic=topic, uploaded=form.cleaned_data["file"])
            except (ValidationError, PermissionDenied) as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("The research report is filed."))
        return redirect("practice:research_detail", pk)


class PhotoAddView(ScopedAction):
    model = ResearchTopic

    def post(self, request, pk):
        topic = self.get_object(pk)
        form = PhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose the photos to upload."))
        else:
            try:
                services.add_photos(actor=request.user, topic=topic, photos=form.cleaned_data["photos"])
            except (ValidationError, PermissionDenied) as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("The photos are added."))
        return redirect("practice:research_detail", pk)


class OutcomeAddView(ScopedAction):
    model = ResearchTopic

    def post(self, request, pk):
        topic = self.get_object(pk)
        form = OutcomeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the kind of outcome and describe it."))
        else:
            try:
                services.add_outcome(actor=request.user, topic=topic, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("The outcome is recorded."))
        return redirect("practice:research_detail", pk)


class ReportFileView(ScopedMixin, View):
    model = ResearchReport

    def get(self, request, pk):
        return serve(get_object_or_404(self.get_queryset(), pk=pk), inline=False)


class PhotoView(ScopedMixin, View):
    """A research photo (or its thumbnail) the user may see through its topic; 404 outside."""

    model = ResearchPhoto
    thumbnail = False

    def get(self, request, pk):
        return serve(get_object_or_404(self.get_queryset(), pk=pk), thumbnail=self.thumbnail)
