from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Party organisations")

    def ready(self):
        from .meetings import permissions  # noqa: F401
        from .memberfile import permissions as _memberfile  # noqa: F401
