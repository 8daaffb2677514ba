from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import OrganizationQuerySet, RoleGrantQuerySet, ScopedQuerySet
from ..roles import Role


class OrganizationKind(models.TextChoices):
    COMMITTEE = "committee", _("Work committee")
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    GROUP = "group", _("Party group")


# Which kinds may hang under which: the root committee holds committees and branches,
# a committee holds general branches and branches, branches hold groups.
ALLOWED_CHILDREN = {
    OrganizationKind.COMMITTEE: {
        OrganizationKind.PARTY_COMMITTEE,
        OrganizationKind.GENERAL_BRANCH,
        OrganizationKind.BRANCH,
    },
    OrganizationKind.PARTY_COMMITTEE: {OrganizationKind.GENERAL_BRANCH, OrganizationKind.BRANCH},
    OrganizationKind.GENERAL_BRANCH: {OrganizationKind.BRANCH},
    OrganizationKind.BRANCH: {OrganizationKind.GROUP},
    OrganizationKind.GROUP: set(),
}


PATH_DIGITS = 8


def path_for(parent: "Organization | None", pk: int) -> str:
    """The materialised path of node ``pk`` under ``parent``: zero-padded ids so paths sort as the tree."""
    return f"{parent.path if parent else '/'}{pk:0{PATH_DIGITS}d}/"


UNIT_LEVEL_DEPTH = 1  # the root committee is depth 0, each unit's top organisation depth 1


def unit_label(name: str, unit_name: str | None, depth: int = UNIT_LEVEL_DEPTH + 1) -> str:
    """``<unit> / <name>`` below unit level; the plain name at or above it, without a unit, or when the
    name already starts with the unit's name (``Organization.label`` for rows read with ``values()``)."""
    if depth <= UNIT_LEVEL_DEPTH or not unit_name or name.startswith(unit_name):
        return name
    return f"{unit_name} / {name}"


class Unit(models.Model):
    """A government unit (单位), e.g. 市财政局. Each has one top organisation."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    code = models.CharField(_("code"), max_length=30, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    objects = ScopedQuerySet.as_manager()
    scope_field = "organizations"

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name


class Organization(models.Model):
    """A node of the party tree. ``path`` is a materialised path of zero-padded ids: ``/00000001/00000007/``."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # The current term (届), kept in step by the term services of the register.
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["kind", "path"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False) | models.Q(kind="committee"),
                name="org_only_committee_is_root",
            ),
            # One portal serves one work committee: a single root, so a subtree grant on it covers every
            # organisation and scoping can skip the condition for it (querysets.covers_whole_tree).
            models.UniqueConstraint(fields=["depth"], condition=models.Q(parent__isnull=True), name="org_single_root"),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The name as lists and pickers show it: ``市财政局 / 办公室党支部``.

        Many units have a branch of the same name, so an organisation below its unit's top organisation
        (depth 2 and deeper: the root committee is depth 0, each unit's top organisation depth 1) carries
        the unit's name in front. The committee, the unit-level organisations, organisations without a unit
        and names that already start with the unit's name stay as they are. The unit's name comes from
        ``with_labels()`` or a ``select_related`` of the unit, never a query per row.
        """
        if "label_unit_name" in self.__dict__:  # OrganizationQuerySet.with_labels()
            return unit_label(self.name, self.label_unit_name)
        if self.depth <= UNIT_LEVEL_DEPTH or self.unit_id is None:
            return self.name
        return unit_label(self.name, self.unit.name, self.depth)

    @property
    def is_branch(self) -> bool:
        return self.kind == OrganizationKind.BRANCH

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]

    def is_descendant_of(self, other: "Organization") -> bool:
        return self.path.startswith(other.path)


class RoleGrant(models.Model):
    """A role a user holds on an organisation, optionally for its whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    include_subtree = models.BooleanField(_("covers subtree"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # HMAC-SM3 over user, organisation, role and subtree (branches/integrity.py); checked on every read.
    mac = models.CharField(max_length=80, blank=True, editable=False)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_role_grant"),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    SEALED = ("user_id", "organization_id", "role", "include_subtree", "mac")

    @classmethod
    def from_db(cls, db, field_names, values):
        from ..integrity import loaded_state

        instance = super().from_db(db, field_names, values)
        loaded_state(instance, cls.SEALED)
        return instance

    def save(self, *args, **kwargs):
        from ..integrity import grant_content, grant_mac, may_reseal

        if may_reseal(self, grant_content, self.mac):
            self.mac = grant_mac(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "mac"}
        super().save(*args, **kwargs)
