"""发文字号: the prefix each organisation uses and the numbers it has issued, one sequence per year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import ScopedQuerySet


class DocumentNumberRule(models.Model):
    """The 机关代字 of an organisation's documents (e.g. 某直工发); a kind may have its own (某直工督)."""

    organization = models.ForeignKey(
        "branches.Organization", on_delete=models.CASCADE, related_name="document_number_rules"
    )
    kind = models.CharField(_("document kind"), max_length=30, blank=True, help_text=_("Empty: every kind."))
    prefix = models.CharField(_("number prefix"), max_length=30)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="document_rule_once")]
        verbose_name = _("document number rule")
        verbose_name_plural = _("document number rules")

    def __str__(self):
        return f"{self.organization} {self.kind or '*'}: {self.prefix}"


class IssuedNumber(models.Model):
    """A number given to one document: the same object keeps its number on every download."""

    scope_field = "organization"
    scope_permissions = {"view": "member.view", "change": "member.change"}

    organization = models.ForeignKey("branches.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    prefix = models.CharField(_("number prefix"), max_length=30)
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("document number"), max_length=60)
    kind = models.CharField(_("document kind"), max_length=30)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("date"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "prefix", "sequence"], name="document_number_once"),
            models.UniqueConstraint(fields=["kind", "object_type", "object_id"], name="document_numbered_once"),
        ]
        verbose_name = _("issued document number")
        verbose_name_plural = _("issued document numbers")

    def __str__(self):
        return f"{self.number} {self.title}"
