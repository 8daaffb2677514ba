"""The ground floor's documents in the registry: meeting minutes (ref = meeting id), the transfer letter
(ref = transfer id) and the development candidate's public notice (ref = member id). None carries a
发文字号 (the transfer letter has its own letter number)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from ..models import DevelopmentStep, Member, MemberCategory, StepKind, Transfer
from . import members
from .kinds import DocumentKind, register


def _pk(ref) -> int:
    return int(ref) if str(ref).isdigit() else 0


def _meeting(user, ref):
    from ..meetings.views.common import _detail_queryset
    from ..models import Meeting

    return get_object_or_404(_detail_queryset(Meeting.objects.visible_to(user, "view")), pk=_pk(ref))


def _minutes(meeting, *, user, issued):
    from ..meetings.documents import minutes_document

    return minutes_document(meeting)


def _minutes_name(meeting):
    from ..meetings.documents import minutes_filename

    return minutes_filename(meeting)


def _transfer(user, ref):
    return get_object_or_404(
        Transfer.objects.visible_to(user).select_related("member", "from_org", "to_org"), pk=_pk(ref)
    )


def _candidate(user, ref):
    return get_object_or_404(
        Member.objects.visible_to(user, "view")
        .filter(category=MemberCategory.CANDIDATE)
        .select_related("organization", "unit"),
        pk=_pk(ref),
    )


def _public_notice(member, *, user, issued):
    """Starts on the recorded public-notice day, else today."""
    steps = dict(DevelopmentStep.objects.filter(member=member).values_list("kind", "date"))
    start = steps.get(StepKind.PUBLIC_NOTICE) or members.today()
    return members.public_notice(member, start=start, steps=steps)


def register_kinds() -> None:
    register(
        DocumentKind(name="minutes", label=_("Meeting minutes"), find=_meeting, build=_minutes, filename=_minutes_name)
    )
    register(
        DocumentKind(
            name="transfer_letter",
            label=_("Transfer letter"),
            find=_transfer,
            build=lambda letter, *, user, issued: members.transfer_letter(letter),
            filename=lambda letter: f"组织关系介绍信-{letter.member.name}",
        )
    )
    register(
        DocumentKind(
            name="public_notice",
            label=_("Public notice of a development candidate"),
            find=_candidate,
            build=_public_notice,
            filename=lambda member: f"发展党员公示-{member.name}",
        )
    )
