"""The themes of 一支部一品牌, kept by the work committee (campaigns.manage): add, rename, describe, order, retire.

A retired theme is no longer offered for new brands; the brands that carry it keep it, and the showcase
still filters by it. Every change is audited.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from branches import audit
from branches.access import has_permission
from branches.audit import snapshot

from .models import BrandProject, BrandTheme


def may_manage(user) -> bool:
    return user is audit.SYSTEM or has_permission(user, "campaigns.manage")


def with_counts():
    """Every theme with its number of named brands and of all brands (one query)."""
    return BrandTheme.objects.annotate(
        named_count=Count("brands", filter=Q(brands__status=BrandProject.Status.NAMED)),
        brand_count=Count("brands"),
    ).order_by("order", "name")


@transaction.atomic
def save_theme(
    *, actor, theme: BrandTheme | None = None, name: str, description: str = "", order: int = 0, is_active=True
) -> BrandTheme:
    if not may_manage(actor):
        raise PermissionDenied(_("Only work committee staff may change the brand themes."))
    name = (name or "").strip()[:50]
    if not name:
        raise ValidationError({"name": _("Give the theme a name.")})
    clash = BrandTheme.objects.filter(name__iexact=name)
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"name": _("There is already a theme called %(name)s.") % {"name": name}})
    if order is None or not 0 <= int(order) <= 999:
        raise ValidationError({"order": _("Give the order as a number from 0 to 999.")})
    # Read again: a bound ModelForm has already written its input onto the instance it was given.
    theme = BrandTheme.objects.select_for_update().get(pk=theme.pk) if theme is not None else BrandTheme()
    before = snapshot(theme) if theme.pk else None
    theme.name, theme.description, theme.order, theme.is_active = (
        name,
        (description or "").strip(),
        int(order),
        bool(is_active),
    )
    theme.save()
    audit.record(actor, "campaigns.theme_save", theme, before=before, after=snapshot(theme))
    return theme
