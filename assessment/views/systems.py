"""Indicator systems: the list, a system's page, the indicator editor and the system's settings (committee staff)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from branches.access import has_permission

from .. import selectors, services
from ..forms import (
    DimensionFormSet,
    GradeFormSet,
    IndicatorEditor,
    SystemSettingsForm,
)
from ..models import (
    Indicator,
    IndicatorSystem,
    Method,
)


class SystemListView(LoginRequiredMixin, ListView):
    """Indicator systems are the committee's reference data; readers need the assessment view permission."""

    model = IndicatorSystem
    template_name = "assessment/indicatorsystem_list.html"

    def get_queryset(self):
        if not has_permission(self.request.user, "assessment.view"):
            raise Http404
        return IndicatorSystem.objects.annotate(indicator_count=Count("dimensions__indicators"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = has_permission(self.request.user, "assessment.manage")
        return ctx


def _require_manage(user):
    if not has_permission(user, "assessment.manage"):
        raise Http404


class SystemDetailView(LoginRequiredMixin, DetailView):
    model = IndicatorSystem
    template_name = "assessment/indicatorsystem_detail.html"
    context_object_name = "system"

    def get_queryset(self):
        if not has_permission(self.request.user, "assessment.view"):
            raise Http404
        return IndicatorSystem.objects.prefetch_related("dimensions__indicators", "grades")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = has_permission(self.request.user, "assessment.manage")
        ctx["editable"] = ctx["can_manage"] and not self.object.is_frozen
        ctx["next_year"] = self.object.year + 1
        ctx["total_max"] = sum(
            (i.max_score for d in self.object.dimensions.all() for i in d.indicators.all()), Decimal("0")
        )
        return ctx

    def post(self, request, pk):
        system = self.get_object()
        action = request.POST.get("action")
        try:
            if action == "publish":
                services.publish_system(actor=request.user, system=system)
                messages.success(request, _("The indicator system is published and frozen."))
            elif action == "new_version":
                system = services.new_version(actor=request.user, system=system)
                messages.success(request, _("A new draft version was made."))
            elif action == "copy":
                system = services.copy_system_to_year(actor=request.user, system=system, year=system.year + 1)
                messages.success(request, _("Copied as next year's draft."))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("assessment:system_detail", system.pk)


class _CommitteeEditorMixin(LoginRequiredMixin):
    """Committee staff edit indicator systems; anyone else gets a 404 (walked by the permission test)."""

    scoped = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_manage(request.user)
        return super().dispatch(request, *args, **kwargs)


class IndicatorEditorView(_CommitteeEditorMixin, View):
    """Add an indicator to a draft system (``systems/<pk>/indicators/new/``) or change one (``indicators/<pk>/``).

    A form per scoring method instead of raw parameters; rows (levels, items, ranges) are formsets.
    """

    template_name = "assessment/indicator_form.html"

    def _objects(self, pk):
        raise NotImplementedError

    def _render(self, request, system, editor, indicator=None, status=200):
        return render(
            request,
            self.template_name,
            {
                "system": system,
                "indicator": indicator,
                "editor": editor,
                "editable": not system.is_frozen,
                "methods": Method,
                "metrics": selectors.metric_rows(),
            },
            status=status,
        )

    def get(self, request, pk):
        system, indicator = self._objects(pk)
        return self._render(request, system, IndicatorEditor(system=system, instance=indicator), indicator)

    def post(self, request, pk):
        system, indicator = self._objects(pk)
        if request.POST.get("action") == "delete" and indicator is not None:
            try:
                services.remove_indicator(actor=request.user, indicator=indicator)
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
                return redirect("assessment:indicator_edit", indicator.pk)
            messages.success(request, _("Indicator removed."))
            return redirect("assessment:system_detail", system.pk)
        editor = IndicatorEditor(request.POST, system=system, instance=indicator)
        if editor.is_valid():
            fields = editor.fields()
            try:
                if indicator is None:
                    indicator = services.add_indicator(actor=request.user, dimension=fields.pop("dimension"), **fields)
                    messages.success(request, _("Indicator added."))
                else:
                    services.update_indicator(actor=request.user, indicator=indicator, **fields)
                    messages.success(request, _("Indicator saved."))
            except ValidationError as exc:
                editor.add_error(exc.messages)
            except PermissionDenied as exc:
                editor.add_error([str(exc)])
            else:
                return redirect(reverse("assessment:system_detail", args=[system.pk]) + f"#i{indicator.pk}")
        return self._render(request, system, editor, indicator, status=400)


class IndicatorCreateView(IndicatorEditorView):
    model = IndicatorSystem

    def _objects(self, pk):
        return get_object_or_404(IndicatorSystem, pk=pk), None


class IndicatorEditView(IndicatorEditorView):
    model = Indicator

    def _objects(self, pk):
        indicator = get_object_or_404(Indicator.objects.select_related("dimension__system"), pk=pk)
        return indicator.dimension.system, indicator


class SystemSettingsView(_CommitteeEditorMixin, View):
    """Dimensions, grade thresholds, the top-grade quota and the review margin of a draft system."""

    model = IndicatorSystem
    template_name = "assessment/indicatorsystem_settings.html"

    def _forms(self, system, data=None):
        total = selectors.total_max(system)
        dims = list(system.dimensions.all())
        dim_initial = [{"id": d.pk, "name": d.name, "order": d.order} for d in dims]
        grades = list(system.grades.order_by("-min_score"))
        grade_initial = [{"label": g.label, "min_score": g.min_score} for g in grades]
        if grade_initial:
            grade_initial[-1]["min_score"] = None
        settings = SystemSettingsForm(
            data,
            initial={
                "name": system.name,
                "top_quota_percent": system.top_quota_percent,
                "review_margin": system.review_margin,
            },
        )
        dimension_set = DimensionFormSet(data, prefix="dims", initial=dim_initial)
        if len(dims) < 4:
            dimension_set.extra = 4 - len(dims)
        grade_set = GradeFormSet(data, prefix="grades", initial=grade_initial or None, total_max=total)
        return settings, dimension_set, grade_set, total

    def _render(self, request, system, forms, errors=(), status=200):
        settings, dimension_set, grade_set, total = forms
        return render(
            request,
            self.template_name,
            {
                "system": system,
                "settings_form": settings,
                "dimension_set": dimension_set,
                "grade_set": grade_set,
                "total_max": total,
                "editable": not system.is_frozen,
                "errors": errors,
                "invalid": status != 200,
            },
            status=status,
        )

    def get(self, request, pk):
        system = get_object_or_404(IndicatorSystem, pk=pk)
        return self._render(request, system, self._forms(system))

    def post(self, request, pk):
        system = get_object_or_404(IndicatorSystem, pk=pk)
        forms = self._forms(system, request.POST)
        settings, dimension_set, grade_set, _total = forms
        if all([settings.is_valid(), dimension_set.is_valid(), grade_set.is_valid()]):
            try:
                services.update_system(
                    actor=request.user,
                    system=system,
                    dimensions=dimension_set.rows(),
                    grades=grade_set.rows(),
                    **settings.cleaned_data,
                )
            except ValidationError as exc:
                return self._render(request, system, forms, exc.messages, status=400)
            except PermissionDenied as exc:
                return self._render(request, system, forms, [str(exc)], status=400)
            messages.success(request, _("Grades, dimensions and quota are saved."))
            return redirect("assessment:system_detail", system.pk)
        return self._render(request, system, forms, status=400)
