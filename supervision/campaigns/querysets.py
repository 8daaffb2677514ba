"""Scope of campaigns and brands (SQL subqueries).

- Campaigns: ``campaigns.view`` over the organiser, or over an organisation that entered it; open calls for
  applications are listed to everyone who may apply (``accepting``); managed by ``campaigns.manage``.
- Entries: ``campaigns.view`` over the unit's organisation (unit admins, the committee); ``apply`` is the
  unit's own ``campaigns.apply``; ``manage`` the campaign's organisers.
- Brands: ``campaigns.view`` over the branch (secretary, unit, committee); ``brand`` the branch's own
  (``brands.apply``); ``review`` the unit (``campaigns.review``); ``manage`` the committee. The showcase
  is separate: named brands for every signed-in user.
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

ACTION_PERMISSIONS = {
    "view": "campaigns.view",
    "apply": "campaigns.apply",
    "brand": "brands.apply",
    "review": "campaigns.review",
    "change": "campaigns.manage",
    "manage": "campaigns.manage",
}


def _orgs(user, action):
    Organization = apps.get_model("branches", "Organization")
    return Organization.objects.visible_to(user, ACTION_PERMISSIONS[action]).values("pk")


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if not _signed_in(user):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        if action != "view":
            return self.filter(organization__in=_orgs(user, "manage"))
        Entry = apps.get_model("supervision", "CampaignEntry")
        orgs = _orgs(user, "view")
        return self.filter(
            Q(organization__in=orgs)
            | Q(Exists(Entry.objects.filter(campaign_id=OuterRef("pk"), organization__in=orgs)))
        )

    def accepting(self):
        """Calls for applications: open to every unit, so listed to anyone who may apply (by design)."""
        return self.filter(status="open")


class EntryQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if not _signed_in(user):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        if action in ("manage", "change"):
            return self.filter(campaign__organization__in=_orgs(user, "manage"))
        return self.filter(organization__in=_orgs(user, action))

    def named(self):
        return self.filter(status="named")


class BrandQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if not _signed_in(user):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        return self.filter(organization__in=_orgs(user, action))

    def named(self):
        return self.filter(status="named")
