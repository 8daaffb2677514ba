"""Downloads of supervision documents (.docx / PDF): the bulletin and the rectification notice."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View

from branches.documents import respond

from . import documents, reports
from .models import Rectification
from .views import PermissionRequiredMixin


class BulletinDocumentView(PermissionRequiredMixin, View):
    """督查通报 of a period: what the bulletin page shows, as a red-header document with its 文号."""

    permission = "supervision.use"
    fmt = "docx"

    def get(self, request):
        today = timezone.localdate()
        period = reports.period_from(request.GET.get("period"), today)
        bulletin = reports.bulletin(request.user, period, today=today)
        issuer = documents.issuer_of(request.user)
        if issuer is None:
            raise Http404
        doc = documents.bulletin_document(bulletin, actor=request.user, issuer=issuer, today=today)
        return respond(doc, self.fmt, f"督查通报-{period.key}")


class RectificationNoticeView(LoginRequiredMixin, View):
    """整改通知书 of one rectification, for whoever may see the rectification (404 outside)."""

    scoped = True
    scope_model = Rectification
    fmt = "docx"

    def get(self, request, pk):
        rect = get_object_or_404(
            Rectification.objects.visible_to(request.user).select_related(
                "owner_org", "finding__category", "finding__target__task__organization"
            ),
            pk=pk,
        )
        doc = documents.rectification_notice(rect, actor=request.user)
        return respond(doc, self.fmt, f"整改通知书-{rect.owner_org.name}")
