from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Party organisations")

    def ready(self):
        from . import checks  # noqa: F401
        from .integrity import connect_signals

        connect_signals()
        from .meetings import permissions  # noqa: F401
