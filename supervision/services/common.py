"""Helpers shared by the supervision services: clock, scope checks, notices, attachments."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import events
from branches.access import holders
from branches.models import Organization
from branches.roles import Role
from branches.uploads import store_upload

from ..models import Attachment, Finding, TaskTarget


def _now(now=None):
    return now or timezone.now()


def _require(queryset, obj, message=None):
    """The object must be in the actor's queryset for this action, or the actor may not act."""
    if not queryset.filter(pk=obj.pk).exists():
        raise PermissionDenied(message or _("You may not do this for this record."))


def responsible_user_ids(organization: Organization) -> list[int]:
    """The organisation's secretary and the admins of the unit committee above it."""
    return sorted(holders([organization], [Role.SECRETARY, Role.UNIT_ADMIN])[organization.pk])


def _notify(*, kind, obj, recipients, title, url, organization_id=None, urgent=True):
    if not recipients:
        return
    transaction.on_commit(
        lambda: events.notify.send(
            sender=type(obj),
            kind=kind,
            obj=obj,
            recipients=list(recipients),
            title=title,
            url=url,
            urgent=urgent,
            organization_id=organization_id,
        )
    )


def _attach(actor, files, **parent):
    for uploaded in files or ():
        attachment = Attachment(**parent)
        store_upload(attachment, uploaded, kinds=("image", "document"), user=actor)
        attachment.save()


def has_inspect_scope(actor, finding: Finding) -> bool:
    return TaskTarget.objects.visible_to(actor, "inspect").filter(pk=finding.target_id).exists()
