"""Recording payments, the payroll list, receipts and reversing entries."""

from __future__ import annotations

import base64
import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from branches.mixins import PaginatedMixin, ScopedMixin

from .. import imports
from .. import payments as services
from ..forms import PaymentForm, PayrollImportForm, ReverseForm
from ..ledger import first_of
from ..models import Payment
from .common import add_errors, can, flash_errors, org_from, period_from, require_permission

PAYROLL_SESSION_KEY = "dues-payroll-import"


class PaymentListView(ScopedMixin, PaginatedMixin, View):
    model = Payment

    def get(self, request):
        org = org_from(request)
        period = period_from(request)
        qs = (
            self.get_queryset()
            .filter(organization__path__startswith=org.path, paid_on__gte=period.start, paid_on__lte=period.end)
            .select_related("member", "organization")
            .defer("member__id_number", "member__phone")
            .order_by("-paid_on", "-id")
        )
        ctx = {"org": org, "period": period, "page_obj": self.paginate(qs), "can_change": can(request, "dues.change")}
        return render(request, "dues/payment_list.html", ctx)


class PaymentDetailView(ScopedMixin, View):
    """The receipt (printable), with the reversing entry if there is one."""

    model = Payment

    def get(self, request, pk):
        payment = get_object_or_404(
            self.get_queryset()
            .select_related("member", "organization", "reverses")
            .defer("member__id_number", "member__phone"),
            pk=pk,
        )
        reversal = Payment.objects.filter(reverses=payment).only("id", "receipt_no", "amount", "paid_on").first()
        form = ReverseForm()
        ctx = {
            "payment": payment,
            "reversal": reversal,
            "form": form,
            "can_change": Payment.objects.visible_to(request.user, "change").filter(pk=pk).exists(),
        }
        return render(request, "dues/payment_detail.html", ctx)

    def post(self, request, pk):
        payment = get_object_or_404(Payment.objects.visible_to(request.user, "change"), pk=pk)
        form = ReverseForm(request.POST)
        if form.is_valid():
            try:
                reversal = services.reverse_payment(
                    actor=request.user, payment=payment, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"]
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("The payment is reversed by receipt %(no)s.") % {"no": reversal.receipt_no})
                return redirect("dues:payment_detail", reversal.pk)
        else:
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
        return redirect("dues:payment_detail", pk)


class PaymentCreateView(LoginRequiredMixin, FormView):
    form_class = PaymentForm
    template_name = "dues/payment_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_permission(request, "dues.change")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        g = self.request.GET
        initial = {}
        if g.get("member", "").isdigit():
            initial["member"] = g["member"]
        if g.get("month"):
            initial["month"] = g["month"]
        if g.get("amount"):
            initial["amount"] = g["amount"]
        return initial

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            payment = services.record_payment(
                actor=self.request.user,
                member=d["member"],
                month=d["month"],
                amount=d["amount"],
                kind=d["kind"],
                method=d["method"],
                paid_on=d["paid_on"],
                note=d["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded with receipt %(no)s.") % {"no": payment.receipt_no})
        return redirect("dues:payment_detail", payment.pk)


class PayrollImportView(LoginRequiredMixin, View):
    """Upload the unit's payroll deduction list: checked first, then saved all at once."""

    template_name = "dues/payroll_import.html"

    def get(self, request):
        require_permission(request, "dues.change")
        org = org_from(request, "dues.change")
        if request.GET.get("template"):
            return xlsx_response(imports.template(imports.PAYROLL_COLUMNS, "代扣党费"), "payroll-template.xlsx")
        request.session.pop(PAYROLL_SESSION_KEY, None)
        return render(request, self.template_name, {"org": org, "form": PayrollImportForm()})

    def post(self, request):
        require_permission(request, "dues.change")
        org = org_from(request, "dues.change")
        if "apply" in request.POST:
            stored = request.session.pop(PAYROLL_SESSION_KEY, None)
            if not stored or stored.get("org") != org.pk:
                messages.error(request, _("Upload the file again: the checked file was not found."))
                return redirect(f"{request.path}?org={org.pk}")
            try:
                rows = services.import_payroll(
                    actor=request.user,
                    organization=org,
                    content=base64.b64decode(stored["content"]),
                    paid_on=_date(stored["paid_on"]),
                )
            except ValidationError as exc:
                flash_errors(request, exc)
                return redirect(f"{request.path}?org={org.pk}")
            messages.success(request, _("%(n)s payments were recorded.") % {"n": len(rows)})
            month = rows[0].month if rows else first_of(_date(stored["paid_on"]))
            return redirect(f"{reverse('dues:collection')}?org={org.pk}&period={month:%Y-%m}")
        form = PayrollImportForm(request.POST, request.FILES)
        ctx = {"org": org, "form": form}
        if form.is_valid():
            content = form.cleaned_data["file"].read()
            try:
                result = services.dry_run_payroll(request.user, org, content)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                ctx["result"] = result
                if result.ok:
                    request.session[PAYROLL_SESSION_KEY] = {
                        "org": org.pk,
                        "content": base64.b64encode(content).decode(),
                        "paid_on": form.cleaned_data["paid_on"].isoformat(),
                    }
        return render(request, self.template_name, ctx)


def _date(text):
    return datetime.date.fromisoformat(text)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
