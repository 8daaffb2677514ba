from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class SealedUserManager(UserManager):
    """Accounts made in bulk get their integrity MAC too (branches/integrity.py)."""

    def bulk_create(self, objs, *args, **kwargs):
        from branches.integrity import account_mac

        objs = list(objs)
        for user in objs:
            user.integrity_mac = account_mac(user)
        return super().bulk_create(objs, *args, **kwargs)


class User(AbstractUser):
    """A portal account. Party data about the person lives in ``branches.Member``."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    # The office's staff number (工号): how single sign-on can find the account (SSO_MATCH_BY=employee_number).
    employee_number = models.CharField(_("employee number"), max_length=50, null=True, blank=True, unique=True)
    # HMAC-SM3 over username, is_active, is_staff, is_superuser; checked on every request (issue 24).
    integrity_mac = models.CharField(max_length=80, blank=True, editable=False)
    # HMAC-SM3 over the user's group ids (三员 groups among them), re-sealed when memberships change.
    groups_mac = models.CharField(max_length=80, blank=True, editable=False)

    objects = SealedUserManager()

    SEALED = ("username", "is_active", "is_staff", "is_superuser", "integrity_mac")

    @classmethod
    def from_db(cls, db, field_names, values):
        from branches.integrity import loaded_state

        instance = super().from_db(db, field_names, values)
        loaded_state(instance, cls.SEALED)
        return instance

    def save(self, *args, **kwargs):
        from branches.integrity import account_content, account_mac, may_reseal

        if may_reseal(self, account_content, self.integrity_mac):
            self.integrity_mac = account_mac(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "integrity_mac"}
        super().save(*args, **kwargs)

    def has_perm(self, perm, obj=None):
        from branches.integrity import account_ok

        return account_ok(self) and super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        from branches.integrity import account_ok

        return account_ok(self) and super().has_module_perms(app_label)

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


from .notifications.models import (  # noqa: E402,F401  (notification engine tables)
    Channel,
    Delivery,
    DeliveryState,
    ExternalIdentity,
    IdentityProvider,
    Notification,
    NotificationPreference,
    Reminder,
)
from .robots.models import GroupRobot, RobotPlatform, RobotPost  # noqa: E402,F401  (group robots)


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
from .dashboards.models import MetricSnapshot  # noqa: E402,F401  dashboards' pre-computed figures
