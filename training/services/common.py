"""What every training service shares: the permission checks, the clock, the actor's member record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Member, Organization
from branches.roles import Role

LEADER_ROLES = (Role.SECRETARY, Role.BRANCH_COMMITTEE, Role.COMMITTEE_STAFF)


def _now(now):
    return now or timezone.now()


def _is_system(actor) -> bool:
    return actor is audit.SYSTEM or getattr(actor, "is_superuser", False)


def _require(actor, permission: str, organization: Organization) -> None:
    if _is_system(actor):
        return
    if not Organization.objects.visible_to(actor, permission).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this for %(org)s.") % {"org": organization})


def _own_member(actor, member: Member) -> None:
    if _is_system(actor):
        return
    if member.user_id is None or member.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You can only study under your own account."))


def member_of(user) -> Member | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return Member.objects.filter(user=user).select_related("organization").first()
