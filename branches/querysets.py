"""Row-level access, decided in one place.

``visible_to(user, action)`` turns the user's role grants into a SQL subquery:
never a Python list of ids. Every scoped model names the path from itself to its
organisation (``scope_field``) and which permission code each action needs
(``scope_permissions``); ``ScopedQuerySet`` does the rest. Models whose rules
differ (a member sees their own record) override ``visible_to`` and still
build on ``Organization.objects.visible_to``.
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import StartsWith

from .roles import roles_with


def _organization_model():
    return apps.get_model("branches", "Organization")


def _grant_model():
    return apps.get_model("branches", "RoleGrant")


ORGANIZATION_ACTIONS = {"view": "org.view", "change": "org.manage", "manage": "org.manage"}


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user, permission: str = "org.view"):
        """Organisations on which ``user`` holds a role carrying ``permission``.

        ``permission`` is a code (``"member.view"``) or a plain action on
        organisations themselves (``"view"``, ``"change"``).
        """
        if "." not in permission:
            permission = ORGANIZATION_ACTIONS[permission]
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        grants = (
            _grant_model()
            .objects.filter(user=user, role__in=roles_with(permission))
            .filter(
                Q(organization=OuterRef("pk"))
                | Q(include_subtree=True) & Q(StartsWith(OuterRef("path"), F("organization__path")))
            )
        )
        return self.filter(Exists(grants))

    def subtree_of(self, organization, include_self: bool = True):
        qs = self.filter(path__startswith=organization.path)
        if not include_self:
            qs = qs.exclude(pk=organization.pk)
        return qs

    def branches(self):
        return self.filter(kind="branch")


class RoleGrantQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user).select_related("organization", "organization__unit")


class ScopedQuerySet(models.QuerySet):
    """Base queryset for every model that belongs to an organisation.

    The model declares::

        scope_field = "organization"            # lookup path to an Organization
        scope_permissions = {"view": "member.view", "change": "member.change"}
    """

    def visible_to(self, user, action: str = "view"):
        model = self.model
        permissions = getattr(model, "scope_permissions", {"view": "org.view", "change": "org.manage"})
        try:
            permission = permissions[action]
        except KeyError:
            raise KeyError(f"{model.__name__} has no scope permission for action {action!r}") from None
        orgs = _organization_model().objects.visible_to(user, permission)
        field = model.scope_field
        if field == "organizations":  # reverse relation (a Unit): any visible organisation
            return self.filter(Exists(orgs.filter(unit=OuterRef("pk"))))
        return self.filter(**{f"{field}__in": orgs.values("pk")})
