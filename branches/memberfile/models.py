"""The member's file beyond the register: mobility, time abroad, lost contact, rewards and discipline, care.

Registered with Django through ``branches/models/__init__.py``. Every record belongs to a member and is
scoped through the member's organisation. Care records are sensitive: their details are shown only to
the branch committee and unit admins (``care.view``), masked elsewhere, and each view is audited.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..crypto import EncryptedTextField, mask
from ..querysets import ScopedQuerySet

PERMISSIONS = {"view": "memberfile.view", "change": "memberfile.change"}
MONEY = {"max_digits": 12, "decimal_places": 2}


class FileRecord(models.Model):
    scope_field = "member__organization"
    scope_permissions = PERMISSIONS

    member = models.ForeignKey("branches.Member", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class MobileRecord(FileRecord):
    """流动党员: working away for a time; the receiving 流动党员党组织 and the 流动党员活动证."""

    place = models.CharField(_("where"), max_length=200)
    since = models.DateField(_("since"))
    until = models.DateField(_("back on"), null=True, blank=True)
    contact = EncryptedTextField(_("contact"), blank=True)
    receiving_org = models.CharField(_("receiving mobile members' party organisation"), max_length=200, blank=True)
    card_no = models.CharField(_("mobile member activity card number"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-since", "-id"]
        verbose_name = _("mobile member record")
        verbose_name_plural = _("mobile member records")

    def __str__(self):
        return f"{self.member.name} {self.place}"

    @property
    def contact_masked(self) -> str:
        return mask(self.contact, 3, 4)


class MobileActivity(models.Model):
    """Organisational life a mobile member took part in elsewhere."""

    record = models.ForeignKey(MobileRecord, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField(_("date"))
    organization_name = models.CharField(_("held by"), max_length=200)
    content = models.CharField(_("content"), max_length=300)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("organisational life elsewhere")
        verbose_name_plural = _("organisational life elsewhere")

    def __str__(self):
        return f"{self.date} {self.content}"


class AbroadRecord(FileRecord):
    """出国（境）: dates out and back."""

    destination = models.CharField(_("destination"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    departed_on = models.DateField(_("departed on"))
    expected_return = models.DateField(_("expected return"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)

    class Meta:
        ordering = ["-departed_on", "-id"]
        verbose_name = _("time abroad")
        verbose_name_plural = _("times abroad")

    def __str__(self):
        return f"{self.member.name} {self.destination}"


class LostContactRecord(FileRecord):
    """失联: since when, the last contact, the steps taken to find the member."""

    last_contact_on = models.DateField(_("last contact on"))
    search_steps = models.TextField(_("search steps"))
    found_on = models.DateField(_("contact restored on"), null=True, blank=True)

    class Meta:
        ordering = ["-last_contact_on", "-id"]
        verbose_name = _("lost contact record")
        verbose_name_plural = _("lost contact records")

    def __str__(self):
        return f"{self.member.name} {self.last_contact_on}"


class RecordKind(models.TextChoices):
    REWARD = "reward", _("Reward")
    DISCIPLINE = "discipline", _("Discipline")


class DisciplineKind(models.TextChoices):
    """党纪处分 (中国共产党纪律处分条例 第八条)."""

    WARNING = "warning", _("Warning")
    SERIOUS_WARNING = "serious_warning", _("Serious warning")
    REMOVAL_FROM_POST = "removal_from_post", _("Removal from party posts")
    PROBATION = "probation", _("Probation within the party")
    EXPULSION = "expulsion", _("Expulsion from the party")


class RewardDiscipline(FileRecord):
    """奖惩: a reward or a discipline with its document. 留党察看 lasts 1 or 2 years and removes voting
    rights meanwhile (党章 第四十条)."""

    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices)
    title = models.CharField(_("title"), max_length=200)
    discipline = models.CharField(_("discipline"), max_length=20, choices=DisciplineKind.choices, blank=True)
    document_no = models.CharField(_("document number"), max_length=100)
    date = models.DateField(_("date"))
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("reward or discipline")
        verbose_name_plural = _("rewards and discipline")
        constraints = [
            models.CheckConstraint(
                condition=~Q(discipline="probation") | Q(ends_on__isnull=False), name="memberfile_probation_has_end"
            )
        ]

    def __str__(self):
        return f"{self.member.name} {self.title}"

    def restricts_voting_on(self, day: datetime.date) -> bool:
        return (
            self.kind == RecordKind.DISCIPLINE
            and self.discipline == DisciplineKind.PROBATION
            and self.date <= day
            and (self.ends_on is None or day < self.ends_on)
        )


class CareKind(models.TextChoices):
    HARDSHIP = "hardship", _("Help in hardship")
    VISIT = "visit", _("Visit (慰问)")


class CareRecord(FileRecord):
    """困难帮扶、慰问. Sensitive: details only for ``care.view`` holders, masked elsewhere."""

    scope_permissions = {**PERMISSIONS, "care": "care.view"}

    kind = models.CharField(_("kind"), max_length=10, choices=CareKind.choices)
    date = models.DateField(_("date"))
    situation = EncryptedTextField(_("situation"))
    help_given = EncryptedTextField(_("help given"), blank=True)
    amount = models.DecimalField(_("amount given (yuan)"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("care record")
        verbose_name_plural = _("care records")

    def __str__(self):
        return f"{self.member.name} {self.get_kind_display()} {self.date}"
