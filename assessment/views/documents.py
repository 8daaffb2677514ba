"""Download of the four-strong result notice (.docx / PDF), through ``branches.documents.services``
(a GET only downloads; the 文号 is issued by the explicit numbering action)."""

from __future__ import annotations

from django.views import View

from branches.documents import services
from branches.mixins import ScopedMixin

from ..models import AssessmentCycle


class ResultNoticeView(ScopedMixin, View):
    model = AssessmentCycle
    fmt = "docx"

    def get(self, request, pk):
        return services.download(request.user, "assessment_result", pk, self.fmt)
