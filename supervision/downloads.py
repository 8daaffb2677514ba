"""Downloads of supervision documents (.docx / PDF): the bulletin and the rectification notice.

Both go through ``branches.documents.services`` (kinds registered in ``document_kinds``): a GET only
downloads; the 发文字号 is issued by the explicit numbering action (``branches:document_number``)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import View

from branches.documents import services

from .models import Rectification
from .views import PermissionRequiredMixin


class BulletinDocumentView(PermissionRequiredMixin, View):
    """督查通报 of a period: what the bulletin page shows, as a red-header document (with its 文号 once issued)."""

    permission = "supervision.use"
    fmt = "docx"

    def get(self, request):
        return services.download(request.user, "bulletin", request.GET.get("period") or "", self.fmt)


class RectificationNoticeView(LoginRequiredMixin, View):
    """整改通知书 of one rectification, for whoever may see the rectification (404 outside)."""

    scoped = True
    scope_model = Rectification
    fmt = "docx"

    def get(self, request, pk):
        return services.download(request.user, "rectification", pk, self.fmt)
