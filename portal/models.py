from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A portal account. Party data about the person lives in ``branches.Member``."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class PortalState(models.Model):
    """Small named timestamps the operators watch (last beat tick, last reminder sweep)."""

    key = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"{self.key} @ {self.at:%Y-%m-%d %H:%M:%S}"


from .models_notifications import (  # noqa: E402,F401  (notification engine tables)
    Channel,
    Delivery,
    DeliveryState,
    ExternalIdentity,
    IdentityProvider,
    Notification,
    NotificationPreference,
    Reminder,
)
from .models_robots import GroupRobot, RobotPlatform, RobotPost  # noqa: E402,F401  (group robots)


class UserSession(models.Model):
    """One signed-in browser session: lets people see and end their other sessions."""

    user = models.ForeignKey("portal.User", on_delete=models.CASCADE, related_name="user_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        # The 三员 permissions live here (no model of their own).
        permissions = [
            ("view_audit_log", _("Can read the audit log")),
            ("export_audit_log", _("Can export the audit log")),
            ("manage_security", _("Can unlock accounts, reset second factors and end sessions")),
        ]

    def __str__(self):
        return f"{self.user} {self.ip or ''} {self.last_seen:%Y-%m-%d %H:%M}"

    @property
    def device_label(self) -> str:
        """A short, readable browser and system name from the user agent."""
        ua = self.user_agent or ""
        browser = next(
            (name for key, name in _BROWSERS if key in ua),
            "",
        )
        system = next((name for key, name in _SYSTEMS if key in ua), "")
        return " · ".join(part for part in (browser, system) if part)


_BROWSERS = [
    ("MicroMessenger", "微信"),
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Windows", "Windows"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]
from .models_dashboards import MetricSnapshot  # noqa: E402,F401  dashboards' pre-computed figures
