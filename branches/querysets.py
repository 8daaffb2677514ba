"""Row-level access, decided in one place.

``visible_to(user, action)`` turns the user's role grants (read once per request,
``branches.access.grants_of``) into a SQL condition on the organisation tree: the
granted organisations' ids and path prefixes, never a list of the rows they cover.
Every scoped model names the path from itself to its organisation (``scope_field``)
and which permission code each action needs (``scope_permissions``); ``ScopedQuerySet``
does the rest. Models whose rules
differ (a member sees their own record) override ``visible_to`` and still
build on ``Organization.objects.visible_to``.
"""

import operator
from functools import reduce

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from .roles import roles_with


def _organization_model():
    return apps.get_model("branches", "Organization")


def _grant_model():
    return apps.get_model("branches", "RoleGrant")


ORGANIZATION_ACTIONS = {"view": "org.view", "change": "org.manage", "manage": "org.manage"}


def _grants_for(user, permission: str):
    """The user's grants whose role carries ``permission`` (read once per request), or None for nobody."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    from .access import grants_of  # access imports the models, which import this module

    roles = roles_with(permission)
    return [g for g in grants_of(user) if g.role in roles]


def _covers_all(user, grants) -> bool:
    return grants is not None and (
        user.is_superuser or any(g.include_subtree and g.organization.depth == 0 for g in grants)
    )


def covers_whole_tree(user, permission: str) -> bool:
    """Whether ``user`` may use ``permission`` on every organisation: a superuser, or a subtree grant on the
    root. The tree has a single root (constraint ``org_single_root``), so such a scope needs no condition at
    all, and the committee's city-wide lists are planned on their own indexes instead of behind a semi-join
    over every member (a whole-city list page: 75 ms → 10 ms at ``city``)."""
    if "." not in permission:
        permission = ORGANIZATION_ACTIONS[permission]
    return _covers_all(user, _grants_for(user, permission))


def _always_set(model, field: str) -> bool:
    """Whether every row reaches an organisation along ``field``: each foreign key on the way is NOT NULL.
    The root's subtree is then every row, and ``IS NOT NULL`` would only add joins (a city-wide volunteer
    service list joined every member to test ``member.organization_id``, which can never be null)."""
    for name in field.split("__"):
        f = model._meta.get_field(name)
        if not f.many_to_one or f.null:
            return False
        model = f.related_model
    return True


def in_subtree(queryset, field: str, organization):
    """Rows of ``queryset`` whose ``field`` (a lookup path to an Organization, e.g. ``"member__organization"``)
    lies in ``organization``'s subtree. For the root it is every row with an organisation: the tree has one
    root (``org_single_root``), and a city-wide list then needs no join on the tree."""
    if organization.parent_id is None:
        if _always_set(queryset.model, field):
            return queryset
        return queryset.filter(**{f"{field}__isnull": False})
    return queryset.filter(**{f"{field}__path__startswith": organization.path})


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user, permission: str = "org.view"):
        """Organisations on which ``user`` holds a role carrying ``permission``.

        ``permission`` is a code (``"member.view"``) or a plain action on
        organisations themselves (``"view"``, ``"change"``).
        """
        if "." not in permission:
            permission = ORGANIZATION_ACTIONS[permission]
        grants = _grants_for(user, permission)
        if _covers_all(user, grants):
            return self.all()
        if not grants:
            return self.none()
        # The user's few grants become literal ids and path prefixes, so PostgreSQL estimates how many rows
        # they cover from its statistics: a correlated EXISTS over the grants was always guessed at a handful
        # of organisations, and city-wide lists were then sorted in full instead of read in index order.
        prefixes = sorted(g.organization.path for g in grants if g.include_subtree)
        covering = [p for i, p in enumerate(prefixes) if not any(p.startswith(q) for q in prefixes[:i])]
        direct = sorted({g.organization_id for g in grants if not g.include_subtree})
        conditions = [Q(path__startswith=prefix) for prefix in covering] + ([Q(pk__in=direct)] if direct else [])
        return self.filter(reduce(operator.or_, conditions))

    def subtree_of(self, organization, include_self: bool = True):
        qs = self.filter(path__startswith=organization.path)
        if not include_self:
            qs = qs.exclude(pk=organization.pk)
        return qs

    def branches(self):
        return self.filter(kind="branch")

    def with_labels(self):
        """Annotate what ``Organization.label`` needs (the unit's name below unit level) in the same query."""
        if "label_unit_name" in self.query.annotations:
            return self
        return self.annotate(
            label_unit_name=models.Case(
                models.When(depth__gte=2, then=models.F("unit__name")), default=None, output_field=models.CharField()
            )
        )


class RoleGrantQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user).select_related("organization", "organization__unit")

    def bulk_create(self, objs, *args, **kwargs):
        from .integrity import grant_mac

        objs = list(objs)
        for grant in objs:
            grant.mac = grant_mac(grant)
        return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        if {"user", "user_id", "organization", "organization_id", "role", "include_subtree"} & set(kwargs):
            raise TypeError("Role grants are sealed (HMAC-SM3): change them with save(), not update().")
        return super().update(**kwargs)


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
        field = model.scope_field
        if field != "organizations" and covers_whole_tree(user, permission):
            return self.all() if _always_set(model, field) else self.filter(**{f"{field}__isnull": False})
        orgs = _organization_model().objects.visible_to(user, permission)
        if field == "organizations":  # reverse relation (a Unit): any visible organisation
            return self.filter(Exists(orgs.filter(unit=OuterRef("pk"))))
        return self.filter(**{f"{field}__in": orgs.values("pk")})

    def visible_with_own(self, user, action: str = "view"):
        """``ScopedQuerySet.visible_to``, and for "view" also the user's own records (the model's ``member``)
        wherever their membership lies: a member sees their own study, claims and service.

        The own records are added by member id, and only those whose membership lies outside the organisations
        already in scope (one small query; none for the whole tree). "In these organisations OR one's own" as
        one condition across the join left PostgreSQL no estimate: a secretary's list walked every row of the
        city (a year of volunteer service in date order; every assignment of a module) to find their branch's."""
        if self.model.scope_field != "member__organization":  # "outside the scope" below means the member's own
            raise TypeError(f"{self.model.__name__}: visible_with_own needs scope_field 'member__organization'")
        scoped = ScopedQuerySet.visible_to(self, user, action)
        if action != "view" or user is None or not user.is_authenticated:
            return scoped
        permission = self.model.scope_permissions[action]
        if covers_whole_tree(user, permission):
            return scoped
        orgs = _organization_model().objects.visible_to(user, permission).values("pk")
        member = apps.get_model("branches", "Member")
        own = list(member.objects.filter(user=user).exclude(organization__in=orgs).values_list("pk", flat=True))
        return scoped | self.filter(member_id__in=own) if own else scoped


class OwnRecordsQuerySet(ScopedQuerySet):
    """Records of one member (``scope_field = "member__organization"``): the member sees their own, the
    organisations' keepers see theirs (``visible_with_own``)."""

    def visible_to(self, user, action: str = "view"):
        return self.visible_with_own(user, action)
