"""开具转接介绍信 from a member's page (``MemberTransferView``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from ..mixins import FragmentLoginMixin, ScopedMixin, breadcrumbs_for
from ..models import Member
from . import services as register
from .forms import TransferForm


class MemberTransferView(FragmentLoginMixin, ScopedMixin, View):
    """开具组织关系介绍信: the form (GET; a part of the member's page for htmx, or a page of its own) and the
    letter (POST). The form lists every organisation of the tree (5,400 at province), so the member's page
    fetches it only when the secretary opens "Issue a transfer letter"."""

    model = Member
    scope_action = "change"

    def _member(self, pk):
        member = get_object_or_404(self.get_queryset().select_related("organization"), pk=pk)
        if not member.is_party_member:
            raise Http404
        return member

    def _render(self, member, form, status=200):
        if self.request.headers.get("HX-Request") == "true":
            return render(self.request, "branches/_transfer_form.html", {"member": member, "form": form})
        breadcrumbs = breadcrumbs_for(self.request.user, member.organization) + [member.organization]
        context = {"member": member, "form": form, "breadcrumbs": breadcrumbs}
        return render(self.request, "branches/member_transfer.html", context, status=status)

    def get(self, request, pk):
        member = self._member(pk)
        return self._render(member, TransferForm(member=member))

    def post(self, request, pk):
        member = self._member(pk)
        form = TransferForm(request.POST, member=member)
        if form.is_valid():
            try:
                letter = register.issue_transfer(actor=request.user, member=member, **form.cleaned_data)
            except ValidationError as exc:  # keyed by the service's names ("member"), not the form's fields
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("The transfer letter was issued; it is valid until %(date)s.") % {"date": letter.expires_on},
                )
                return redirect("branches:transfer_detail", letter.pk)
        return self._render(member, form, status=400)
