"""Downloads of the member documents: each fetches its record through ``visible_to`` (404 outside)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views import View

from ..models import DevelopmentStep, Member, MemberCategory, StepKind, Transfer
from . import members, respond


class TransferLetterView(LoginRequiredMixin, View):
    """组织关系介绍信 (存根, letter, 回执) of one transfer, for both ends of it."""

    scoped = True
    scope_model = Transfer
    fmt = "docx"

    def get(self, request, pk):
        letter = get_object_or_404(
            Transfer.objects.visible_to(request.user).select_related("member", "from_org", "to_org"), pk=pk
        )
        return respond(members.transfer_letter(letter), self.fmt, f"组织关系介绍信-{letter.member.name}")


class PublicNoticeView(LoginRequiredMixin, View):
    """发展党员公示 of a development candidate; starts on the recorded public-notice day, else today."""

    fmt = "docx"

    def get(self, request, pk):
        member = get_object_or_404(
            Member.objects.visible_to(request.user, "view")
            .filter(category=MemberCategory.CANDIDATE)
            .select_related("organization", "unit"),
            pk=pk,
        )
        steps = dict(DevelopmentStep.objects.filter(member=member).values_list("kind", "date"))
        start = steps.get(StepKind.PUBLIC_NOTICE) or members.today()
        doc = members.public_notice(member, start=start, steps=steps)
        return respond(doc, self.fmt, f"发展党员公示-{member.name}")
