"""The committee's supervision rules (``SupervisionSettings``): who may change them, audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit
from branches.audit import snapshot
from branches.models import Organization

from ..models import SupervisionSettings

FIELDS = ("inspectors_create_tasks", "pause_while_waiting_on_inspector")


def may_configure(actor) -> bool:
    """Committee-wide staff: those who manage supervision on the root of the tree."""
    return Organization.objects.visible_to(actor, "supervision.manage").filter(parent__isnull=True).exists()


@transaction.atomic
def update_settings(*, actor, **values) -> SupervisionSettings:
    if not may_configure(actor):
        raise PermissionDenied(_("Only work committee staff may change the supervision rules."))
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown supervision settings: {sorted(unknown)}")
    row = SupervisionSettings.objects.select_for_update().order_by("pk").first() or SupervisionSettings()
    before = snapshot(row) if row.pk else None
    for field, value in values.items():
        setattr(row, field, bool(value))
    row.save()
    audit.record(actor, "supervision.settings_change", row, before=before, after=snapshot(row))
    return row
