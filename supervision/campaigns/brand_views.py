"""Pages of 一支部一品牌: the branch's projects (scoped), and the showcase of named brands for every member."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.models import Unit
from branches.uploads import serve

from . import brands, exports, themes
from .forms import BrandForm, ThemeForm
from .models import BrandPhoto, BrandProject, BrandTheme
from .views import error_text


class BrandListView(ScopedMixin, PaginatedMixin, ListView):
    model = BrandProject
    template_name = "campaigns/brandproject_list.html"
    context_object_name = "brands"

    def get_queryset(self):
        return (
            super().get_queryset().select_related("organization__unit", "theme").order_by("-year", "organization__path")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_register"] = has_permission(self.request.user, "brands.apply")
        return ctx


class BrandCreateView(LoginRequiredMixin, FormView):
    template_name = "campaigns/brandproject_form.html"
    form_class = BrandForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        photo = data.pop("photo")
        try:
            brand = brands.register(actor=self.request.user, files=[photo] if photo else [], **data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The brand project was registered."))
        return redirect("campaigns:brand_detail", pk=brand.pk)


class BrandDetailView(ScopedMixin, DetailView):
    model = BrandProject
    template_name = "campaigns/brandproject_detail.html"
    context_object_name = "brand"

    def get_base_queryset(self):
        return BrandProject.objects.select_related("organization", "theme").prefetch_related("photos")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        b, user = self.object, self.request.user

        def may(action):
            return BrandProject.objects.visible_to(user, action).filter(pk=b.pk).exists()

        ctx.update(can_report=may("brand"), can_review=may("review"), can_manage=may("manage"))
        return ctx


class BrandActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, action):
        brand = get_object_or_404(BrandProject.objects.visible_to(request.user), pk=pk)
        p, user = request.POST, request.user
        try:
            if action == "results":
                brands.report_results(
                    actor=user, brand=brand, results=p.get("results", ""), files=request.FILES.getlist("photos")
                )
            elif action == "review":
                brands.unit_review(actor=user, brand=brand, score=p.get("score"), opinion=p.get("opinion", ""))
            elif action in ("name", "decline"):
                brands.committee_decide(actor=user, brand=brand, named=action == "name", opinion=p.get("opinion", ""))
            else:
                raise Http404
            messages.success(request, _("Saved."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        return redirect("campaigns:brand_detail", pk=brand.pk)


class ShowcaseView(LoginRequiredMixin, PaginatedMixin, ListView):
    """Named brands, for every signed-in member; filter by unit and theme."""

    template_name = "campaigns/showcase.html"
    context_object_name = "brands"
    paginate_by = 24

    def get_queryset(self):
        qs = (
            BrandProject.objects.named()
            .select_related("organization__unit", "theme")
            .prefetch_related("photos")
            .order_by("-named_at", "-pk")
        )
        g = self.request.GET
        if g.get("unit", "").isdigit():
            # A branch belongs to the unit of its own organisation or of the unit committee above it.
            qs = qs.filter(Q(organization__unit_id=g["unit"]) | Q(organization__parent__unit_id=g["unit"]))
        if g.get("theme", "").isdigit():
            qs = qs.filter(theme_id=g["theme"])
        if g.get("q"):
            qs = qs.filter(Q(name__icontains=g["q"].strip()) | Q(idea__icontains=g["q"].strip()))
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["units"] = Unit.objects.all()
        ctx["themes"] = BrandTheme.objects.all()
        ctx["f"] = self.request.GET
        return ctx


class BrandPhotoView(LoginRequiredMixin, View):
    """A photo of a brand the user may see, or of any named brand (the showcase is open to every member)."""

    def get(self, request, pk, file_id):
        brand = BrandProject.objects.visible_to(request.user).filter(pk=pk).first()
        brand = brand or get_object_or_404(BrandProject.objects.named(), pk=pk)
        return serve(get_object_or_404(BrandPhoto, pk=file_id, brand=brand))


class BrandExportView(LoginRequiredMixin, View):
    """The brand projects the user may see (``visible_to``), as a workbook."""

    def get(self, request):
        brands_qs = (
            BrandProject.objects.visible_to(request.user)
            .select_related("organization", "theme")
            .order_by("-year", "organization__path")
        )
        return exports.brands_workbook(brands_qs)


class ThemeListView(LoginRequiredMixin, ListView):
    """The brand themes with their named brands (each opens the showcase filtered by it); every member may
    browse. Work committee staff add, rename, describe, order and retire themes here."""

    template_name = "campaigns/brandtheme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return themes.with_counts()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = themes.may_manage(self.request.user)
        ctx["themes"] = list(ctx["themes"])
        if ctx["can_manage"]:
            ctx["new_form"] = ThemeForm(prefix="new")
            for t in ctx["themes"]:
                t.edit_form = ThemeForm(instance=t, prefix=f"t{t.pk}")
        return ctx


class ThemeSaveView(LoginRequiredMixin, View):
    """Add a theme (no ``pk``) or change one; committee staff only (403 for others)."""

    def post(self, request, pk=None):
        if not themes.may_manage(request.user):
            raise PermissionDenied
        theme = get_object_or_404(BrandTheme, pk=pk) if pk else None
        form = ThemeForm(request.POST, instance=theme, prefix=f"t{pk}" if pk else "new")
        if form.is_valid():
            try:
                themes.save_theme(actor=request.user, theme=theme, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("The theme was saved."))
        else:
            for errors in form.errors.values():
                for m in errors:
                    messages.error(request, m)
        return redirect("campaigns:theme_list")
