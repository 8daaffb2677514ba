"""Party building in practice: 联学联建 pairings, 双报到 and volunteering, 我为群众办实事, research, first secretaries.

A middle-floor app: it imports ``branches`` only. One sub-package per concept, each in the shape of
``branches/meetings/``. Its figures go into the metric registry (``practice/metrics.py``).
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = _("Party building in practice")

    def ready(self):
        from branches.roles import ALL_ROLES, Role, register_permissions

        from .service.models import VolunteerService
        from .service.stats import FIGURES

        # The service list's totals are kept between views: a written record moves them on.
        FIGURES.watch(VolunteerService)

        keepers = {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY, Role.BRANCH_COMMITTEE}
        register_permissions(
            {
                # See pairings, activities, service records, deeds, research and first secretaries.
                "practice.view": keepers | {Role.INSPECTOR},
                # Log joint activities, confirm volunteer hours, keep the 办实事 list and research topics.
                "practice.change": keepers,
                # Record and end pairings, the unit's community report, the first-secretary roster.
                "practice.manage": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN},
                # Every member: register a residential community and log volunteer hours (own records).
                "practice.use": ALL_ROLES,
            }
        )
