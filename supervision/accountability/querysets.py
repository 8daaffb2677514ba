"""Who sees which review records (SQL subqueries, never id lists).

- A round: its organisers' scope (``accountability.view`` over the round's organisation), its raters,
  and everyone who may see one of its reporters (a secretary sees the round they report in).
- A reporter: ``accountability.view`` over the reporter's organisation, the raters of its panel, and the
  round's managers. ``report`` is the filing permission over the organisation; ``rate`` the rater's seat;
  ``manage`` the round's organisers.
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from branches.querysets import covers_whole_tree

ACTION_PERMISSIONS = {
    "view": "accountability.view",
    "change": "accountability.manage",
    "manage": "accountability.manage",
    "report": "accountability.report",
}


def _orgs(user, action):
    Organization = apps.get_model("branches", "Organization")
    return Organization.objects.visible_to(user, ACTION_PERMISSIONS[action]).values("pk")


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


class ReviewRoundQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if not _signed_in(user):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        if covers_whole_tree(user, ACTION_PERMISSIONS[action]):
            return self.all()  # one root: no condition, and the round's own indexes plan the list
        if action != "view":
            return self.filter(organization__in=_orgs(user, "manage"))
        Rater = apps.get_model("supervision", "Rater")
        Reporter = apps.get_model("supervision", "Reporter")
        orgs = _orgs(user, "view")
        return self.filter(
            Q(organization__in=orgs)
            | Q(Exists(Rater.objects.filter(round_id=OuterRef("pk"), user_id=user.pk)))
            | Q(Exists(Reporter.objects.filter(round_id=OuterRef("pk"), organization__in=orgs)))
        )


class ReporterQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if not _signed_in(user):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        if action != "rate" and covers_whole_tree(user, ACTION_PERMISSIONS.get(action, "accountability.view")):
            # Every reporter lies under the single root (and so does every round's organisation).
            return self.all()
        Rater = apps.get_model("supervision", "Rater")
        seat = Q(
            Exists(Rater.objects.filter(round_id=OuterRef("round_id"), panel_id=OuterRef("panel_id"), user_id=user.pk))
        )
        manage = Q(round__organization__in=_orgs(user, "manage"))
        if action == "rate":
            return self.filter(seat)
        if action in ("manage", "change"):
            return self.filter(manage)
        if action == "report":
            return self.filter(organization__in=_orgs(user, "report"))
        return self.filter(Q(organization__in=_orgs(user, "view")) | seat | manage)


class RaterQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user_id=getattr(user, "pk", None))
