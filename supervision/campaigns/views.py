"""Pages of the model-organ campaign: fetch through ``visible_to`` (404 outside), call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.uploads import serve

from . import exports, services
from .forms import ApplyForm, CampaignForm, ProgressForm
from .models import Campaign, CampaignEntry, CampaignFile, half_label


def error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this for this record.")


class CampaignListView(ScopedMixin, PaginatedMixin, ListView):
    model = Campaign
    template_name = "campaigns/campaign_list.html"
    context_object_name = "campaigns"

    def get_queryset(self):
        return super().get_queryset().select_related("organization").order_by("-year", "-pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_create"] = has_permission(user, "campaigns.manage")
        can_apply = has_permission(user, "campaigns.apply")
        ctx["calls"] = Campaign.objects.accepting().order_by("apply_deadline")[:10] if can_apply else []
        ctx["mine"] = (
            CampaignEntry.objects.visible_to(user, "apply").select_related("campaign", "organization")[:20]
            if can_apply
            else []
        )
        return ctx


class CampaignCreateView(LoginRequiredMixin, FormView):
    template_name = "campaigns/campaign_form.html"
    form_class = CampaignForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "campaigns.manage"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        today = timezone.localdate()
        return {"year": today.year, "title": _("%(year)s model-organ campaign") % {"year": today.year}}

    def form_valid(self, form):
        try:
            campaign = services.create_campaign(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The campaign was started."))
        return redirect("campaigns:campaign_detail", pk=campaign.pk)


def _open_or_visible(user, pk):
    """A campaign the user may see, or an open call for applications (open to every unit by design)."""
    campaign = Campaign.objects.visible_to(user).filter(pk=pk).first()
    if campaign is None and has_permission(user, "campaigns.apply"):
        campaign = Campaign.objects.accepting().filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


class CampaignDetailView(ScopedMixin, DetailView):
    model = Campaign
    template_name = "campaigns/campaign_detail.html"
    context_object_name = "campaign"

    def get_object(self, queryset=None):
        return _open_or_visible(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c, user = self.object, self.request.user
        ctx["entries"] = (
            CampaignEntry.objects.visible_to(user)
            .filter(campaign=c)
            .select_related("organization__unit")
            .order_by("-score")
        )
        ctx["standards"] = c.standards.all()
        ctx["can_manage"] = Campaign.objects.visible_to(user, "manage").filter(pk=c.pk).exists()
        if c.status == Campaign.Status.OPEN and has_permission(user, "campaigns.apply"):
            ctx["apply_form"] = ApplyForm(user=user)
        return ctx


class CampaignApplyView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        campaign = _open_or_visible(request.user, pk)
        form = ApplyForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Pick the unit and attach the plan."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
        try:
            entry = services.apply(actor=request.user, campaign=campaign, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
        messages.success(request, _("The application was submitted."))
        return redirect("campaigns:entry_detail", pk=entry.pk)


class EntryDetailView(ScopedMixin, DetailView):
    model = CampaignEntry
    template_name = "campaigns/campaignentry_detail.html"
    context_object_name = "entry"

    def get_base_queryset(self):
        return CampaignEntry.objects.select_related("campaign", "organization")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        e, user = self.object, self.request.user
        ctx["can_manage"] = CampaignEntry.objects.visible_to(user, "manage").filter(pk=e.pk).exists()
        ctx["can_report"] = CampaignEntry.objects.visible_to(user, "apply").filter(pk=e.pk).exists()
        ctx["progress"] = e.progress.prefetch_related("files")
        scores = {s.standard_id: s.score for s in e.scores.all()}
        ctx["standards"] = [(s, scores.get(s.pk)) for s in e.campaign.standards.all()]
        ctx["events"] = e.events.select_related("actor")
        ctx["progress_form"] = ProgressForm() if ctx["can_report"] else None
        ctx["half"] = services.half_of(timezone.localdate())
        ctx["half_label"] = half_label(ctx["half"])
        return ctx


class EntryActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, action):
        entry = get_object_or_404(CampaignEntry.objects.visible_to(request.user), pk=pk)
        p, user = request.POST, request.user
        try:
            if action in ("accept", "reject"):
                services.decide(actor=user, entry=entry, accept=action == "accept", note=p.get("note", ""))
            elif action == "progress":
                services.report_progress(
                    actor=user, entry=entry, content=p.get("content", ""), files=request.FILES.getlist("files")
                )
            elif action == "evaluate":
                scores = {k.removeprefix("std-"): v for k, v in p.items() if k.startswith("std-")}
                services.evaluate(actor=user, entry=entry, scores=scores)
            elif action == "name":
                services.name_entry(actor=user, entry=entry)
            elif action == "recheck":
                services.recheck(actor=user, entry=entry, passed=p.get("passed") == "1", note=p.get("note", ""))
            else:
                raise Http404
            messages.success(request, _("Saved."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        return redirect("campaigns:entry_detail", pk=entry.pk)


class EntryFileView(LoginRequiredMixin, View):
    def get(self, request, pk, file_id):
        entry = get_object_or_404(CampaignEntry.objects.visible_to(request.user), pk=pk)
        return serve(get_object_or_404(CampaignFile, pk=file_id, progress__entry=entry))


class CampaignExportView(ScopedMixin, DetailView):
    """The entries the user may see, as a workbook."""

    model = Campaign

    def get_object(self, queryset=None):
        return _open_or_visible(self.request.user, self.kwargs["pk"])

    def render_to_response(self, context):
        entries = (
            CampaignEntry.objects.visible_to(self.request.user)
            .filter(campaign=self.object)
            .select_related("organization")
            .order_by("organization__path")
        )
        return exports.campaign_workbook(self.object, entries)
