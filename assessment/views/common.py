"""Helpers shared by the assessment's pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse

from ..models import (
    Appeal,
    BranchAssessment,
    Evidence,
)


def _messages_of(exc: ValidationError) -> list[str]:
    return exc.messages


def _window_message(check, *args) -> str:
    """Why the window is closed, in the words the service would use."""
    try:
        check(*args)
    except ValidationError as exc:
        return exc.messages[0]
    return ""


def _can(user, action: str, assessment) -> bool:
    return BranchAssessment.objects.visible_to(user, action).filter(pk=assessment.pk).exists()


def _results(assessment):
    return (
        assessment.results.select_related("indicator__dimension")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .prefetch_related(Prefetch("appeals", queryset=Appeal.objects.order_by("-filed_at")))
    )


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
