"""Who may change what: the one check every dues service makes before writing."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organization


def require(actor, organization: Organization, permission: str = "dues.change") -> None:
    if actor is audit.SYSTEM or getattr(actor, "is_superuser", False):
        return
    if not Organization.objects.visible_to(actor, permission).filter(pk=organization.pk).exists():
        if permission == "dues.approve":
            raise PermissionDenied(_("Only the upper party committee may do this for %(org)s.") % {"org": organization})
        raise PermissionDenied(_("You may not keep party dues for %(org)s.") % {"org": organization})


def actor_user(actor):
    return actor if getattr(actor, "pk", None) else None
