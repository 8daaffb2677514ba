"""Document pages: downloads (GET, never write) and the explicit numbering action (POST).

Each download fetches its record through the kind's ``find`` (``visible_to``: 404 outside)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from ..models import Transfer
from . import services


class DocumentDownloadView(LoginRequiredMixin, View):
    """A document of ``kind`` whose reference is the URL's ``pk``."""

    kind = ""
    fmt = "docx"

    def get(self, request, pk):
        return services.download(request.user, self.kind, pk, self.fmt)


class TransferLetterView(DocumentDownloadView):
    """组织关系介绍信 (存根, letter, 回执) of one transfer, for both ends of it."""

    scoped = True
    scope_model = Transfer
    kind = "transfer_letter"


class PublicNoticeView(DocumentDownloadView):
    """发展党员公示 of a development candidate; starts on the recorded public-notice day, else today."""

    kind = "public_notice"


class NumberDocumentView(LoginRequiredMixin, View):
    """POST: issue the 发文字号 of a document (audited; a numbered document keeps its number)."""

    http_method_names = ["post"]

    def post(self, request, kind, ref):
        try:
            issued, created = services.number(actor=request.user, kind_name=kind, ref=ref)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            if created:
                messages.success(request, _("Document number %(number)s issued.") % {"number": issued.number})
            else:
                messages.info(
                    request, _("This document already carries number %(number)s.") % {"number": issued.number}
                )
        target = request.POST.get("next") or request.headers.get("Referer") or "/"
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            target = "/"
        return redirect(target)
