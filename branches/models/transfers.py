from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..querysets import ScopedQuerySet, _organization_model


class TransferScope(models.TextChoices):
    IN_PROVINCE = "in_province", _("Within the province")
    CROSS_PROVINCE = "cross_province", _("Across provinces")


class TransferStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting the receiver")
    ACCEPTED = "accepted", pgettext_lazy("register", "Accepted")
    REJECTED = "rejected", pgettext_lazy("register", "Rejected")
    EXPIRED = "expired", _("Expired")


class TransferQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = "view"):
        """Both ends see a letter: the issuing and the receiving organisation."""
        permission = self.model.scope_permissions[action]
        orgs = _organization_model().objects.visible_to(user, permission).values("pk")
        return self.filter(Q(from_org__in=orgs) | Q(to_org__in=orgs))

    def incoming_for(self, user):
        orgs = _organization_model().objects.visible_to(user, "member.change").values("pk")
        return self.filter(to_org__in=orgs)

    def open(self):
        return self.filter(status=TransferStatus.ISSUED)


class Transfer(models.Model):
    """A transfer letter (组织关系介绍信) from one organisation to another."""

    scope_field = "from_org"
    scope_permissions = {"view": "member.view", "change": "member.change"}

    member = models.ForeignKey(
        "branches.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_org = models.ForeignKey(
        "branches.Organization", verbose_name=_("from"), on_delete=models.CASCADE, related_name="transfers_out"
    )
    to_org = models.ForeignKey(
        "branches.Organization", verbose_name=_("to"), on_delete=models.CASCADE, related_name="transfers_in"
    )
    scope = models.CharField(
        pgettext_lazy("register", "scope"),
        max_length=20,
        choices=TransferScope.choices,
        default=TransferScope.IN_PROVINCE,
    )
    letter_number = models.CharField(_("letter number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("valid until"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.ISSUED, db_index=True
    )
    reason = models.CharField(pgettext_lazy("register", "reason"), max_length=200, blank=True)
    decision_reason = models.CharField(_("reason given by the receiver"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        indexes = [models.Index(fields=["to_org", "status"]), models.Index(fields=["from_org", "status"])]

    def __str__(self):
        return f"{self.member} · {self.from_org} → {self.to_org}"


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Entered in the register")
    CATEGORY = "category", _("Category changed")
    STATUS = "status", _("Status changed")
    ORGANIZATION = "organization", _("Organisation changed")
    TRANSFER_OUT = "transfer_out", _("Transfer letter issued")
    TRANSFER_IN = "transfer_in", _("Transfer accepted")
    TRANSFER_REJECTED = "transfer_rejected", _("Transfer rejected")
    TRANSFER_EXPIRED = "transfer_expired", _("Transfer letter expired")
    DEVELOPMENT = "development", _("Development step")
    POSITION_START = "position_start", _("Took up a position")
    POSITION_END = "position_end", _("Left a position")
    IMPORTED = "imported", _("Changed by a roster import")


class MemberEvent(models.Model):
    """One line of a member's history. Append-only: the history is never rewritten."""

    scope_field = "member__organization"
    scope_permissions = {"view": "member.view", "change": "member.change"}

    member = models.ForeignKey(
        "branches.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"))
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    organization = models.ForeignKey(
        "branches.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["member_id", "date", "id"]
        verbose_name = _("member event")
        verbose_name_plural = _("member events")

    def __str__(self):
        return f"{self.member} · {self.get_kind_display()}"
