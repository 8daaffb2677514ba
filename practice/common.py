"""Helpers every practice sub-package shares: permission checks, period parsing, error lists."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.views import View

from branches import audit, periods
from branches.models import Member, Organization


def may(actor, organization: Organization, permission: str) -> bool:
    if actor is audit.SYSTEM or getattr(actor, "is_superuser", False):
        return True
    return Organization.objects.visible_to(actor, permission).filter(pk=organization.pk).exists()


def require(actor, organization: Organization, permission: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` holds ``permission`` over ``organization``."""
    if not may(actor, organization, permission):
        raise PermissionDenied(_("You may not do this for %(org)s.") % {"org": organization})


def member_of(actor) -> Member | None:
    if getattr(actor, "pk", None) is None:
        return None
    return Member.objects.filter(user_id=actor.pk).for_choices().first()


def user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def clean_text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def error_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def period_from(request, default_kind: str = "year") -> periods.Period:
    key = request.GET.get("period", "")
    try:
        return periods.parse(key) if key else periods.period_containing(default_kind, periods.today())
    except (ValueError, TypeError):
        return periods.period_containing(default_kind, periods.today())


def year_from(request) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return periods.today().year


def half_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def org_filter(request, permission: str = "practice.view"):
    """The organisation named by ``?org=`` if the user may see it (else ``None``), and whether one was named."""
    raw = request.GET.get("org", "")
    if not raw:
        return None, False
    if not raw.isdigit():
        return None, True
    return Organization.objects.visible_to(request.user, permission).filter(pk=raw).first(), True


class ScopedAction(View):
    """A POST-only page action on one scoped record (404 outside scope). Not walked: it has no GET."""

    model = None
    scope_action = "change"

    def dispatch(self, request, *args, **kwargs):
        from django.contrib.auth.views import redirect_to_login

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, pk):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.model._default_manager.visible_to(self.request.user, self.scope_action), pk=pk)
