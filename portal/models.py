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


from .models_dashboards import MetricSnapshot  # noqa: E402,F401  dashboards' pre-computed figures
