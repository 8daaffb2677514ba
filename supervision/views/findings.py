"""Finding pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from branches.mixins import PaginatedMixin, ScopedMixin

from .. import services
from ..forms import (
    RectificationForm,
)
from ..models import (
    Finding,
    FindingCategory,
    Rectification,
    Severity,
    SupervisionTask,
)
from .common import _error_text

# ---------------------------------------------------------------- findings


class FindingListView(ScopedMixin, PaginatedMixin, ListView):
    model = Finding
    template_name = "supervision/finding_list.html"
    context_object_name = "findings"

    def get_queryset(self):
        qs = super().get_queryset().select_related("category", "target__organization__unit", "target__task")
        params = self.request.GET
        if params.get("category"):
            qs = qs.filter(category_id=params["category"]) if params["category"].isdigit() else qs.none()
        if params.get("severity") in Severity.values:
            qs = qs.filter(severity=params["severity"])
        if params.get("repeat") == "1":
            qs = qs.filter(repeat_of__isnull=False)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["categories"] = FindingCategory.objects.all()
        ctx["severities"] = Severity.choices
        ctx["params"] = self.request.GET
        return ctx


class FindingDetailView(ScopedMixin, DetailView):
    model = Finding
    template_name = "supervision/finding_detail.html"
    context_object_name = "finding"

    def get_queryset(self):
        return (
            super().get_queryset().select_related("category", "target__organization__unit", "target__task", "repeat_of")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rectifications"] = (
            Rectification.objects.visible_to(self.request.user)
            .filter(finding=self.object)
            .select_related("owner_org__unit")
        )
        ctx["spawned"] = SupervisionTask.objects.visible_to(self.request.user).filter(source_finding=self.object)
        ctx["can_inspect"] = services.has_inspect_scope(self.request.user, self.object)
        return ctx


class RectificationCreateView(ScopedMixin, FormView):
    """An inspector adds a further rectification to a finding (owner organisation and person)."""

    model = Finding
    form_class = RectificationForm
    template_name = "supervision/rectification_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.finding = get_object_or_404(
            self.get_queryset().select_related("target__organization__unit", "target__task", "category"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "finding": self.finding}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "finding": self.finding}

    def form_valid(self, form):
        try:
            rect = services.create_rectification(actor=self.request.user, finding=self.finding, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The rectification was assigned."))
        return redirect("supervision:rectification_detail", rect.pk)
