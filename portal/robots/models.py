"""Group robots bound to organisations, and the daily aggregate each one posts.

* ``GroupRobot``: one 企业微信 or 钉钉 group robot per organisation (webhook URL and 钉钉 加签 secret
  encrypted at rest, 钉钉 keyword). Group messages carry only counts and links, never names.
* ``RobotPost``: the day's aggregate for one robot, unique per (robot, day): an overdue burst is
  folded into this one post. ``parts_sent`` lets a retry resume after the last part that arrived.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.crypto import EncryptedTextField
from branches.querysets import ScopedQuerySet

from ..notifications.models import DeliveryState


class RobotPlatform(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class GroupRobot(models.Model):
    organization = models.OneToOneField(
        "branches.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("group name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=20, choices=RobotPlatform.choices)
    webhook_url = EncryptedTextField(_("robot webhook URL"))
    secret = EncryptedTextField(_("signing secret (DingTalk)"), blank=True)
    keyword = models.CharField(_("keyword (DingTalk)"), max_length=20, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "organization"
    scope_permissions = {"view": "robots.manage", "change": "robots.manage"}

    class Meta:
        ordering = ["organization__path"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self):
        return self.name


class RobotPost(models.Model):
    robot = models.ForeignKey(GroupRobot, on_delete=models.CASCADE, related_name="posts")
    day = models.DateField(pgettext_lazy("integrations", "day"))
    text = models.TextField(pgettext_lazy("integrations", "message"))
    parts_sent = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(pgettext_lazy("reminders", "last error"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "id"]
        verbose_name = _("group robot message")
        verbose_name_plural = _("group robot messages")
        constraints = [models.UniqueConstraint(fields=["robot", "day"], name="robot_post_once_per_day")]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.robot_id} {self.day}: {self.state}"
