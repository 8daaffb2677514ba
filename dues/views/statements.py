"""Monthly statements: the draft of a month, submitting it (remittance), the printable statement, receipt."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from branches.mixins import PaginatedMixin, ScopedMixin

from .. import exports
from .. import statements as services
from ..forms import StatementForm
from ..ledger import add_months, first_of
from ..models import Payment, Statement, StatementStatus
from .common import can, flash_errors, org_from, period_from

PAYMENT_FIELDS = ("id", "receipt_no", "amount", "kind", "method", "paid_on", "month", "to_centre", "member__name")


class StatementListView(ScopedMixin, PaginatedMixin, View):
    """Statements of the subtree; for one branch also the draft of a month not yet remitted."""

    model = Statement

    def get(self, request):
        org = org_from(request)
        qs = (
            self.get_queryset()
            .filter(organization__path__startswith=org.path)
            .select_related("organization__unit")
            .order_by("-month", "organization__path")
        )
        if request.GET.get("status") in StatementStatus.values:
            qs = qs.filter(status=request.GET["status"])
        if request.GET.get("format") == "xlsx":
            if request.GET.get("period"):
                qs = qs.filter(month=first_of(period_from(request).start))
            return exports.statements_book(org, qs.iterator()).response(f"党费上缴登记-{org.name}.xlsx")
        ctx = {"org": org, "page_obj": self.paginate(qs), "statuses": StatementStatus.choices}
        if org.kind == "branch":
            month = first_of(period_from(request).start) if request.GET.get("period") else None
            month = month or add_months(first_of(timezone.localdate()), -1)
            ctx["draft"] = services.draft(org, month)
            ctx["draft_submitted"] = Statement.objects.filter(organization=org, month=month).first()
            ctx["form"] = StatementForm()
            ctx["can_submit"] = can(request, "dues.change")
        return render(request, "dues/statement_list.html", ctx)

    def post(self, request):
        org = org_from(request, "dues.change")
        month = first_of(period_from(request).start)
        form = StatementForm(request.POST)
        if form.is_valid():
            try:
                s = services.submit_statement(
                    actor=request.user, organization=org, month=month, remitted=form.cleaned_data["remitted"]
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("The statement is submitted with the remittance."))
                return redirect("dues:statement_detail", s.pk)
        else:
            messages.error(request, _("Enter the amount remitted in yuan."))
        return redirect(f"{request.path}?org={org.pk}&period={month:%Y-%m}")


class StatementDetailView(ScopedMixin, View):
    """The printable statement with its payments; the upper committee records receipt here."""

    model = Statement

    def get(self, request, pk):
        s = get_object_or_404(self.get_queryset().select_related("organization", "submitted_by", "received_by"), pk=pk)
        payments = (
            Payment.objects.filter(
                organization=s.organization, paid_on__gte=s.month, paid_on__lt=add_months(s.month, 1)
            )
            .select_related("member")
            .only("id", "receipt_no", "amount", "kind", "method", "paid_on", "month", "to_centre", "member__name")
            .order_by("receipt_no")
        )
        if request.GET.get("format") == "xlsx":
            name = f"党费收缴报表-{s.organization.name}-{s.month:%Y-%m}.xlsx"
            return exports.statement_book(s, payments.only(*PAYMENT_FIELDS, "note")).response(name)
        can_receive = (
            s.status == StatementStatus.SUBMITTED
            and Statement.objects.visible_to(request.user, "approve").filter(pk=pk).exists()
        )
        return render(
            request, "dues/statement_detail.html", {"statement": s, "payments": payments, "can_receive": can_receive}
        )

    def post(self, request, pk):
        s = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.record_receipt(actor=request.user, statement=s)
        except ValidationError as exc:
            flash_errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The receipt of the remittance is recorded."))
        return redirect("dues:statement_detail", pk)
