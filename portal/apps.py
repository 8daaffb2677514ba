from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from branches.events import notify
        from branches.roles import Role, register_permissions

        from .notifications.services import on_notify

        register_permissions({"notifications.defaults": {Role.COMMITTEE_STAFF}})
        register_permissions({"robots.manage": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY}})
        notify.connect(on_notify, dispatch_uid="portal.notifications.on_notify")
        from django.db.models.signals import post_delete, post_save

        from branches.models import Organization

        from .dashboards.snapshots import bump_generation
        from .security import signals  # noqa: F401

        def tree_changed(**kwargs):
            bump_generation(on_commit=True)

        post_save.connect(tree_changed, sender=Organization, weak=False, dispatch_uid="portal.dashboards.tree_saved")
        post_delete.connect(
            tree_changed, sender=Organization, weak=False, dispatch_uid="portal.dashboards.tree_deleted"
        )
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import pagecache

        connection_created.connect(pagecache.watch, dispatch_uid="portal.pagecache.watch")
        for connection in connections.all(initialized_only=True):
            pagecache.watch(connection)
        from branches.kept import ON_READ

        if pagecache.figures_read not in ON_READ:
            ON_READ.append(pagecache.figures_read)
        from .security.admin_duties import audit_every_admin

        audit_every_admin()
        # Every app's tasks module is loaded now, so a task queued by name (branches.jobs) resolves here
        # too (eager mode in tests, the web process) and not only in the worker.
        from .celery import app

        app.autodiscover_tasks(force=True)
