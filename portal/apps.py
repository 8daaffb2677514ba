from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from branches.events import notify
        from branches.roles import Role, register_permissions

        from .notifications import on_notify

        register_permissions({"notifications.defaults": {Role.COMMITTEE_STAFF}})
        notify.connect(on_notify, dispatch_uid="portal.notifications.on_notify")
        from .security import signals  # noqa: F401
