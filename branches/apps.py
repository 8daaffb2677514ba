from django.apps import AppConfig
from django.db.models.signals import class_prepared, pre_save
from django.utils.translation import gettext_lazy as _

from .datebounds import attach, check_on_save

# Connected when the app configs are imported, before any model class of the project is built.
class_prepared.connect(attach, dispatch_uid="branches.datebounds.attach")
pre_save.connect(check_on_save, dispatch_uid="branches.datebounds.check_on_save")


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Party organisations")

    def ready(self):
        from . import checks  # noqa: F401
        from .integrity import connect_signals

        connect_signals()
        from .models import Member, Organization
        from .stats import REGISTER_FIGURES

        # The organisation tree's member counts are kept between views: a written member or organisation
        # moves them on.
        REGISTER_FIGURES.watch(Member, Organization)
        from .documents.builtin import register_kinds
        from .meetings import permissions  # noqa: F401
        from .memberfile import permissions as _memberfile  # noqa: F401

        register_kinds()
