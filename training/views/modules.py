"""Managing study content: modules, items, questions, and assigning a module to an audience."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from branches.mixins import PaginatedMixin, ScopedMixin, breadcrumbs_for
from branches.models import Organization

from .. import services
from ..forms import (
    AssignForm,
    ItemForm,
    ModuleForm,
    QuestionForm,
)
from ..models import (
    Assignment,
    ItemKind,
    StudyItem,
    StudyModule,
)
from .common import _apply_errors


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
            .select_related("organization__unit")
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
