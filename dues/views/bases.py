"""Bases (list, record, import) and reductions (propose, decide)."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from branches.mixins import PaginatedMixin, ScopedMixin

from .. import bases as services
from .. import imports, rules
from ..collection import subtree_members
from ..forms import BaseForm, ImportForm, ReductionForm
from ..ledger import without_base
from ..models import DuesBase, DuesReduction, ReductionStatus
from .common import add_errors, can, flash_errors, org_from, require_permission
from .payments import xlsx_response

BASES_SESSION_KEY = "dues-bases-import"


class BaseListView(ScopedMixin, PaginatedMixin, View):
    """Each member's bases (latest first) and the members who have none yet."""

    model = DuesBase

    def get(self, request):
        org = org_from(request)
        newer = DuesBase.objects.filter(member=OuterRef("member"), effective_month__gt=OuterRef("effective_month"))
        qs = (
            self.get_queryset()
            .filter(member__organization__path__startswith=org.path)
            .annotate(superseded=Exists(newer))
            .select_related("member", "member__organization")
            .defer("member__id_number", "member__phone")
            .order_by("member__organization__path", "member__name", "member_id", "-effective_month")
        )
        page = self.paginate(qs)
        table = rules.brackets()
        for row in page:
            row.amount = rules.monthly_amount(row.category, row.base, table)
        ctx = {
            "org": org,
            "page_obj": page,
            "missing": without_base(subtree_members(org)).defer("id_number", "phone").order_by("name")[:200],
            "can_change": can(request, "dues.change"),
        }
        return render(request, "dues/base_list.html", ctx)


class BaseCreateView(LoginRequiredMixin, FormView):
    form_class = BaseForm
    template_name = "dues/base_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_permission(request, "dues.change")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        member = self.request.GET.get("member", "")
        return {"member": member} if member.isdigit() else {}

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            row = services.record_base(
                actor=self.request.user,
                member=d["member"],
                category=d["category"],
                base=d["base"],
                effective_month=d["effective_month"],
                note=d["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The base of %(name)s is recorded.") % {"name": row.member.name})
        return redirect(f"{reverse('dues:base_list')}?org={row.member.organization_id}")


class BaseImportView(LoginRequiredMixin, View):
    template_name = "dues/base_import.html"

    def get(self, request):
        require_permission(request, "dues.change")
        org = org_from(request, "dues.change")
        if request.GET.get("template"):
            return xlsx_response(imports.template(imports.BASE_COLUMNS, "党费基数"), "dues-bases-template.xlsx")
        request.session.pop(BASES_SESSION_KEY, None)
        return render(request, self.template_name, {"org": org, "form": ImportForm()})

    def post(self, request):
        require_permission(request, "dues.change")
        org = org_from(request, "dues.change")
        if "apply" in request.POST:
            stored = request.session.pop(BASES_SESSION_KEY, None)
            if not stored or stored.get("org") != org.pk:
                messages.error(request, _("Upload the file again: the checked file was not found."))
                return redirect(f"{request.path}?org={org.pk}")
            try:
                rows = services.import_bases(
                    actor=request.user, organization=org, content=base64.b64decode(stored["content"])
                )
            except ValidationError as exc:
                flash_errors(request, exc)
                return redirect(f"{request.path}?org={org.pk}")
            messages.success(request, _("%(n)s bases were imported.") % {"n": len(rows)})
            return redirect(f"{reverse('dues:base_list')}?org={org.pk}")
        form = ImportForm(request.POST, request.FILES)
        ctx = {"org": org, "form": form}
        if form.is_valid():
            content = form.cleaned_data["file"].read()
            try:
                result = services.dry_run_bases(request.user, org, content)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                ctx["result"] = result
                if result.ok:
                    request.session[BASES_SESSION_KEY] = {"org": org.pk, "content": base64.b64encode(content).decode()}
        return render(request, self.template_name, ctx)


class ReductionListView(ScopedMixin, PaginatedMixin, View):
    model = DuesReduction

    def get(self, request):
        org = org_from(request)
        qs = (
            self.get_queryset()
            .filter(member__organization__path__startswith=org.path)
            .select_related("member", "decided_by")
            .defer("member__id_number", "member__phone")
        )
        if request.GET.get("status") in ReductionStatus.values:
            qs = qs.filter(status=request.GET["status"])
        ctx = {
            "org": org,
            "page_obj": self.paginate(qs),
            "can_change": can(request, "dues.change"),
            "statuses": ReductionStatus.choices,
        }
        return render(request, "dues/reduction_list.html", ctx)


class ReductionCreateView(BaseCreateView):
    form_class = ReductionForm
    template_name = "dues/reduction_form.html"

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            r = services.propose_reduction(
                actor=self.request.user,
                member=d["member"],
                kind=d["kind"],
                amount=d["amount"],
                from_month=d["from_month"],
                to_month=d["to_month"],
                reason=d["reason"],
                branch_decision=d["branch_decision"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The proposal is sent to the upper committee for approval."))
        return redirect("dues:reduction_detail", r.pk)


class ReductionDetailView(ScopedMixin, View):
    model = DuesReduction

    def get(self, request, pk):
        r = get_object_or_404(self.get_queryset().select_related("member", "decided_by"), pk=pk)
        can_decide = (
            r.status == ReductionStatus.PROPOSED
            and DuesReduction.objects.visible_to(request.user, "approve").filter(pk=pk).exists()
        )
        return render(request, "dues/reduction_detail.html", {"reduction": r, "can_decide": can_decide})

    def post(self, request, pk):
        r = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            approve = request.POST.get("decision") == "approve"
            services.decide_reduction(actor=request.user, reduction=r, approve=approve)
        except ValidationError as exc:
            flash_errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The decision is recorded."))
        return redirect("dues:reduction_detail", pk)
