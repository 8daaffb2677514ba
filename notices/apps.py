from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """A top-level app rather than a ``branches`` package: notices, material collection and plans are
    three concerns with their own models, pages, API and reminders, as large together as ``training``."""

    name = "notices"
    verbose_name = _("Notices, collection and plans")

    def ready(self):
        from . import permissions  # noqa: F401
