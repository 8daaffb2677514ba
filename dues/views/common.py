"""Helpers shared by the dues pages: which organisation and period a page is about."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from branches import periods
from branches.access import has_permission, primary_grant
from branches.models import Organization


def org_from(request, permission: str = "dues.view") -> Organization:
    """The organisation named by ``?org=`` (404 outside the user's scope), else the user's main one."""
    visible = Organization.objects.visible_to(request.user, permission)
    raw = request.GET.get("org") or request.POST.get("org")
    if raw:
        if not str(raw).isdigit():
            raise Http404
        return get_object_or_404(visible, pk=raw)
    grant = primary_grant(request.user)
    if grant:
        org = visible.filter(pk=grant.organization_id).first()
        if org:
            return org
    org = visible.order_by("path").first()
    if org is None:
        raise Http404
    return org


def period_from(request, default_kind: str = "month"):
    key = request.GET.get("period", "")
    try:
        return periods.parse(key) if key else periods.period_containing(default_kind, timezone.localdate())
    except (ValueError, TypeError):
        return periods.period_containing(default_kind, timezone.localdate())


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for e in errors:
                for m in e.messages:
                    form.add_error(field if field in form.fields else None, m)
    else:
        for m in exc.messages:
            form.add_error(None, m)


def flash_errors(request, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def can(request, permission: str) -> bool:
    return has_permission(request.user, permission)


def require_permission(request, permission: str) -> None:
    if not can(request, permission):
        raise Http404
