"""Cards, the board, the bulletin and attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.uploads import serve

from .. import reports, services
from ..forms import (
    RevokeForm,
)
from ..models import (
    Attachment,
    Card,
    Rectification,
    SupervisionTask,
    TaskTarget,
)
from ..querysets import cards_issued_in
from .common import PermissionRequiredMixin, _error_text
from .rectifications import (
    _org_param,
    _period_param,
)

# ---------------------------------------------------------------- cards, board, bulletin


class CardListView(ScopedMixin, PaginatedMixin, ListView):
    """Cards; ``issued=<period>`` lists those issued within the period and not revoked (as the dashboards count)."""

    model = Card
    template_name = "supervision/card_list.html"
    context_object_name = "cards"

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization__unit", "rule", "rectification", "finding__category")
        params = self.request.GET
        self.issued = _period_param(params.get("issued", ""))
        self.org = None
        if params.get("colour") in ("yellow", "red"):
            qs = qs.filter(colour=params["colour"])
        if params.get("state") == "active":
            qs = qs.active()
        if self.issued:
            qs = qs.filter(cards_issued_in(self.issued))
        if params.get("org"):
            self.org = _org_param(self.request.user, params["org"])
            qs = qs.filter(organization__path__startswith=self.org.path) if self.org else qs.none()
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["params"] = self.request.GET
        ctx["can_manage"] = has_permission(self.request.user, "supervision.manage")
        ctx["revoke_form"] = RevokeForm()
        ctx.update(filter_org=self.org, filter_issued=self.issued)
        return ctx


class CardDetailView(ScopedMixin, DetailView):
    """One card: the unit and organisation it was issued to and the rectification or finding it is for."""

    model = Card
    template_name = "supervision/card_detail.html"
    context_object_name = "card"

    def get_queryset(self):
        return super().get_queryset().select_related("organization__unit", "rule", "rectification", "finding")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = Card.objects.visible_to(self.request.user, "manage").filter(pk=self.object.pk).exists()
        ctx["revoke_form"] = RevokeForm()
        return ctx


class CardRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        card = get_object_or_404(Card.objects.visible_to(request.user), pk=pk)
        try:
            services.revoke_card(actor=request.user, card=card, reason=request.POST.get("reason", ""))
            messages.success(request, _("The card was revoked."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect("supervision:card_list")


class BoardView(PermissionRequiredMixin, TemplateView):
    permission = "supervision.use"
    scoped = True
    scope_model = Rectification
    template_name = "supervision/board.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["board"] = reports.board(self.request.user, today=timezone.localdate())
        return ctx


class BulletinView(PermissionRequiredMixin, TemplateView):
    permission = "supervision.use"
    scoped = True
    scope_model = Card
    template_name = "supervision/bulletin.html"

    def get(self, request, *args, **kwargs):
        period = reports.period_from(request.GET.get("period"), timezone.localdate())
        bulletin = reports.bulletin(request.user, period, today=timezone.localdate())
        if request.GET.get("format") == "xlsx":
            return reports.bulletin_xlsx(bulletin)
        return self.render_to_response({"bulletin": bulletin, "period": period})


class AttachmentView(LoginRequiredMixin, View):
    """Serve a file only after its parent record was fetched through ``visible_to`` (else 404)."""

    def get(self, request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        user = request.user
        if attachment.task_id:
            visible = SupervisionTask.objects.visible_to(user).filter(pk=attachment.task_id)
        elif attachment.stage_report_id:
            visible = TaskTarget.objects.visible_to(user).filter(reports__pk=attachment.stage_report_id)
        elif attachment.progress_report_id:
            visible = Rectification.objects.visible_to(user).filter(progress_reports__pk=attachment.progress_report_id)
        else:
            visible = SupervisionTask.objects.none()
        if not visible.exists():
            raise Http404
        return serve(attachment, inline=attachment.is_image or attachment.content_type == "application/pdf")
