from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditRecordsAreKept(Exception):
    """Raised by any attempt to delete audit records outside the retention job."""


class AuditEntryQuerySet(models.QuerySet):
    def delete(self):
        raise AuditRecordsAreKept("Audit entries are never deleted; retention is export-then-prune (prune()).")

    def update(self, **kwargs):
        raise AuditRecordsAreKept("Audit entries are never edited.")

    def bulk_create(self, objs, batch_size=None, **kwargs):
        """Seal the entries into their chains in order, then insert them in batches (one transaction)."""
        from ..audit_chain import seal_many

        objs = list(objs)
        if any(entry.pk is not None for entry in objs):
            raise AuditRecordsAreKept("Audit entries are never edited.")
        with transaction.atomic(using=self.db, savepoint=False):
            seal_many(objs, using=self.db)
            return models.QuerySet.bulk_create(self, objs, batch_size=batch_size or 500)

    def prune(self, ids) -> int:
        """Only for the retention job, after the entries were exported."""
        return models.QuerySet.delete(self.model.objects.filter(pk__in=list(ids)))[0]


class AuditEntry(models.Model):
    """Who did what to which record, when, with the values before and after.

    Written by services in the same transaction as the change. Never edited or
    deleted by the application; retention is handled by an export-then-prune job.

    Tamper evidence (branches/audit_chain.py): each entry is sealed with an HMAC-SM3 over its
    content and the previous entry's MAC in its partition (``chain``, ``seq``). The actor and
    organisation references keep their ids when the user or organisation is deleted (no
    foreign-key constraint, nothing set to NULL), so the application never updates an entry.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    chain = models.CharField(_("audit chain"), max_length=32, blank=True, editable=False)
    seq = models.PositiveBigIntegerField(_("position in chain"), null=True, editable=False)
    mac = models.CharField(_("HMAC-SM3"), max_length=80, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_position")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def delete(self, *args, **kwargs):
        raise AuditRecordsAreKept("Audit entries are never deleted.")

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AuditRecordsAreKept("Audit entries are never edited.")
        from ..audit_chain import seal

        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            seal(self)
            super().save(*args, **kwargs)


class AuditChainHead(models.Model):
    """The last position and MAC of one audit chain, plus the ranges pruned after archiving.

    Writers lock only this row of their own partition. ``seal`` is an HMAC-SM3 over the row,
    so neither the head nor the record of pruned ranges can be changed without the key.
    """

    chain = models.CharField(max_length=32, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    mac = models.CharField(max_length=80, blank=True)
    pruned = models.JSONField(default=list, blank=True)  # [[first seq, last seq, MAC of last], ...]
    seal = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self):
        return f"{self.chain} #{self.seq}"
