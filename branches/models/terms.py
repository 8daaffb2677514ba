from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import ScopedQuerySet


class CommitteePosition(models.Model):
    """A seat on a committee (书记, 副书记, 组织委员 …): reference data seeded by a migration."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=30)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_secretary = models.BooleanField(_("is the secretary"), default=False)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("committee position")
        verbose_name_plural = _("committee positions")

    def __str__(self):
        return self.name


class TermChange(models.TextChoices):
    REGULAR = "regular", _("On schedule")
    EARLY = "early", _("Early election")
    LATE = "late", _("Late election")


class Term(models.Model):
    """One term (届) of an organisation's committee, with its election record."""

    scope_field = "organization"
    scope_permissions = {"view": "org.view", "change": "member.change"}

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    start = models.DateField(_("term start"))
    end = models.DateField(_("term end"), db_index=True)
    election_date = models.DateField(_("election date"), null=True, blank=True)
    expected_voters = models.PositiveIntegerField(_("members entitled to vote"), null=True, blank=True)
    present_voters = models.PositiveIntegerField(_("members present"), null=True, blank=True)
    change = models.CharField(_("schedule"), max_length=10, choices=TermChange.choices, default=TermChange.REGULAR)
    approval_authority = models.CharField(_("approved by"), max_length=100, blank=True)
    approval_reference = models.CharField(_("approval document"), max_length=100, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-start"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="unique_term_number"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="term_ends_after_start"),
        ]

    def __str__(self):
        return _("%(org)s, term %(n)s") % {"org": self.organization, "n": self.number}


class CommitteeSeat(models.Model):
    """A person holding a position in a term's committee. Ending a seat keeps the row."""

    scope_field = "term__organization"
    scope_permissions = {"view": "org.view", "change": "member.change"}

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.CASCADE, related_name="seats")
    member = models.ForeignKey(
        "branches.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="seats"
    )
    position = models.ForeignKey(
        CommitteePosition, verbose_name=_("position"), on_delete=models.PROTECT, related_name="+"
    )
    votes = models.PositiveIntegerField(_("votes received"), null=True, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["term_id", "position__order", "start"]
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")

    def __str__(self):
        return f"{self.position} · {self.member}"

    @property
    def is_current(self) -> bool:
        return self.end is None
