"""Study-hours claims: the list, a new claim, review, and its evidence file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from branches.mixins import PaginatedMixin, ScopedMixin

from .. import services
from ..forms import (
    ClaimForm,
)
from ..models import (
    ClaimStatus,
    HoursClaim,
)
from .common import _apply_errors


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
