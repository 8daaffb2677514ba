"""Download of the four-strong result notice (.docx / PDF)."""

from __future__ import annotations

from django.views.generic import DetailView

from branches.documents import respond
from branches.mixins import ScopedMixin

from .. import documents
from ..models import AssessmentCycle, BranchAssessment


class ResultNoticeView(ScopedMixin, DetailView):
    model = AssessmentCycle
    fmt = "docx"

    def render_to_response(self, context, **kwargs):
        fmt = self.fmt
        cycle = self.object
        rows = (
            BranchAssessment.objects.visible_to(self.request.user, "view")
            .filter(cycle=cycle)
            .select_related("organization__parent", "grade")
            .order_by("-grade__min_score", "-final_total", "organization__path")
        )
        doc = documents.result_notice(cycle, list(rows), actor=self.request.user)
        return respond(doc, fmt, f"四强党支部考评结果通知-{cycle.year}")
