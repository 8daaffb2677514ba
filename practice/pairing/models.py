"""联学联建 / 结对共建: a pairing of one of our organisations with an outside organisation, and its joint
activities. Outside participants are a count, never personal data."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import Organization
from branches.querysets import ScopedQuerySet, covers_whole_tree
from branches.uploads import AttachmentBase


class PartnerKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")
    ORGAN_BRANCH = "organ_branch", _("Another organ's branch")


class ActivityKind(models.TextChoices):
    JOINT_STUDY = "joint_study", _("Joint study")
    THEME_DAY = "theme_day", _("Joint theme party day")
    PROJECT = "project", _("Joint project")
    OTHER = "other", pgettext_lazy("practice", "Other")


class PairingQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = "view"):
        """Our side's organisations, and for ``view``/``change`` the partner side when it is in the tree."""
        permission = self.model.scope_permissions[action]
        if covers_whole_tree(user, permission):  # our side is never empty: every pairing, with no subquery
            return self.all()
        orgs = Organization.objects.visible_to(user, permission).values("pk")
        condition = Q(organization__in=orgs)
        if action != "manage":
            condition |= Q(partner_organization__in=orgs)
        return self.filter(condition)

    def active(self):
        return self.filter(end_date__isnull=True)


class Pairing(models.Model):
    scope_field = "organization"
    scope_permissions = {"view": "practice.view", "change": "practice.change", "manage": "practice.manage"}

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("our organisation"), on_delete=models.PROTECT, related_name="+"
    )
    partner_name = models.CharField(_("partner organisation"), max_length=100)
    partner_kind = models.CharField(_("partner type"), max_length=20, choices=PartnerKind.choices)
    partner_district = models.CharField(_("district"), max_length=50, blank=True)
    partner_contact = models.CharField(_("partner contact"), max_length=100, blank=True)
    # When the partner is another organ's branch in our own tree, its secretary logs activities too.
    partner_organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("partner in the tree"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("start date"))
    goals = models.TextField(_("goals"), blank=True)
    annual_plan = models.TextField(_("annual plan"), blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True, db_index=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-start_date", "id"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        indexes = [models.Index(fields=["organization", "end_date"])]

    def __str__(self):
        return f"{self.organization.name} ⇄ {self.partner_name}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None


class JointActivityQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = "view"):
        if covers_whole_tree(user, Pairing.scope_permissions[action]):  # every pairing: every activity
            return self.all()
        return self.filter(pairing__in=Pairing.objects.visible_to(user, action).values("pk"))


class JointActivity(models.Model):
    scope_field = "pairing__organization"
    scope_permissions = {"view": "practice.view", "change": "practice.change"}

    pairing = models.ForeignKey(Pairing, verbose_name=_("pairing"), on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("activity type"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(pgettext_lazy("practice", "title"), max_length=200)
    date = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        "branches.Member", verbose_name=_("our participants"), blank=True, related_name="+"
    )
    outside_count = models.PositiveIntegerField(_("outside participants"), default=0)
    results = models.TextField(pgettext_lazy("practice", "results"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JointActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")
        indexes = [models.Index(fields=["pairing", "date"])]

    def __str__(self):
        return self.title


class ActivityPhoto(AttachmentBase):
    scope_field = "activity__pairing__organization"
    scope_permissions = {"view": "practice.view", "change": "practice.change"}

    activity = models.ForeignKey(JointActivity, on_delete=models.CASCADE, related_name="photos")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
