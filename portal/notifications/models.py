"""Notifications, reminders and their deliveries (the reminder engine's tables).

* ``Reminder``: one due item for one person, recorded under the unique key
  (kind, object_type, object_id, step, recipient) *before* anything is sent.
* ``Notification``: what a person sees in the inbox: a daily digest (``digest_day``
  set, at most one per person per day) or an immediate notice (urgent items, events).
* ``Delivery``: one notification through one external channel, claimed with a
  conditional UPDATE so a redelivered task never sends twice.
* ``NotificationPreference``: channels, digest hour and quiet hours per person; the
  row with ``is_default`` holds the committee's defaults.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def base_step(step) -> str:
    """A step without the period some reminders carry in front: ``2026-H2:overdue`` → ``overdue``."""
    return str(step or "").rsplit(":", 1)[-1]


class StepLabels(dict):
    """Labels of the known steps. A step that carries its period in front (``2026-H2:1m``,
    ``2026-Q1:branch_committee:T-7``: one reminder per period) reads as its last part (一个月后到期)."""

    def get(self, step, default=None):
        if step in self:
            return self[step]
        last = base_step(step)
        return self[last] if ":" in str(step or "") and last in self else default


STEP_LABELS = StepLabels(
    {
        "T-7": _("7 days left"),
        "T-3": _("3 days left"),
        "T-1": _("1 day left"),
        "overdue": _("Overdue"),
        "6m": _("6 months left"),
        "1m": _("1 month left"),
        "on_issue": _("Just issued"),
        "notice": _("Notice"),
    }
)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(pgettext_lazy("reminders", "title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    digest_day = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "digest_day"],
                condition=models.Q(digest_day__isnull=False),
                name="notification_one_digest_per_day",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "-created_at"])]

    def __str__(self):
        return self.title

    @property
    def is_digest(self) -> bool:
        return self.digest_day is not None


class Reminder(models.Model):
    kind = models.CharField(max_length=60)
    object_type = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    step = models.CharField(max_length=30)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    due_at = models.DateTimeField()
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    urgent = models.BooleanField(default=False)
    organization = models.ForeignKey(
        "branches.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # The digest (or immediate notice) that carried it; null means not yet sent.
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "step", "recipient"], name="reminder_once_per_step"
            )
        ]
        indexes = [models.Index(fields=["notification", "recipient"])]

    def __str__(self):
        return f"{self.kind} {self.object_type}#{self.object_id} {self.step} → {self.recipient_id}"

    @property
    def step_label(self) -> str:
        """Known steps in words (还剩3天, 已逾期), also after a period (``2026-H2:1m``); period keys and dates
        alone show nothing."""
        label = STEP_LABELS.get(self.step)
        return str(label) if label else ""


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook (WeCom / DingTalk robot)")
    WECOM_APP = "wecom_app", _("WeCom application message")
    DINGTALK_APP = "dingtalk_app", _("DingTalk work notification")


class DeliveryState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("reminders", "Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", pgettext_lazy("reminders", "Failed")
    SKIPPED = "skipped", _("Skipped")


class Delivery(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    target = models.CharField(max_length=500)  # the address or robot URL, fixed when the delivery is made
    state = models.CharField(max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.notification_id}/{self.channel}: {self.state}"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    is_default = models.BooleanField(default=False)
    email = models.BooleanField(_("email"), default=True)
    webhook = models.BooleanField(_("webhook (WeCom / DingTalk robot)"), default=False)
    webhook_url = models.URLField(_("personal webhook URL"), blank=True)
    messenger = models.BooleanField(_("work notifications in WeCom / DingTalk"), default=True)
    digest_hour = models.PositiveSmallIntegerField(
        _("daily digest hour"), default=8, validators=[MinValueValidator(0), MaxValueValidator(23)]
    )
    quiet_start = models.PositiveSmallIntegerField(
        _("quiet hours from"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(23)]
    )
    quiet_end = models.PositiveSmallIntegerField(
        _("quiet hours until"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(23)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_pref"
            ),
            models.CheckConstraint(
                condition=models.Q(is_default=True, user__isnull=True) | models.Q(is_default=False, user__isnull=False),
                name="pref_default_xor_user",
            ),
        ]

    def __str__(self):
        return "defaults" if self.is_default else f"preferences of {self.user_id}"

    def is_quiet(self, hour: int) -> bool:
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= hour < self.quiet_end
        return hour >= self.quiet_start or hour < self.quiet_end


class IdentityProvider(models.TextChoices):
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    OIDC = "oidc", _("Unified identity platform (OIDC)")
    CAS = "cas", _("Unified identity platform (CAS)")


class ExternalIdentity(models.Model):
    """A person's id on an outside platform, matched once (by employee number, mobile or username) and kept.

    Work notifications go to this id; single sign-on finds the account by it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities")
    provider = models.CharField(_("platform"), max_length=20, choices=IdentityProvider.choices)
    subject = models.CharField(_("user id on the platform"), max_length=200)
    matched_by = models.CharField(_("matched by"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_unique_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="external_identity_one_per_user"),
        ]

    def __str__(self):
        return f"{self.provider}:{self.subject} → {self.user_id}"
