from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegisterRule(models.Model):
    """A number the register works with (term length, deadlines, validity, thresholds).

    Rules are data, seeded by a migration with the defaults of DOMAIN.md sections 2 and 3;
    the work committee may change them in the admin. Code reads them with ``branches.rules.value``.
    """

    class Unit(models.TextChoices):
        DAYS = "days", _("days")
        MONTHS = "months", _("months")
        YEARS = "years", _("years")
        COUNT = "count", _("count")

    code = models.CharField(_("code"), max_length=60, unique=True)
    value = models.PositiveIntegerField(_("value"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    description = models.CharField(pgettext_lazy("register", "description"), max_length=200)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("register rule")
        verbose_name_plural = _("register rules")

    def __str__(self):
        return f"{self.description}: {self.value} {self.get_unit_display()}"
