from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Study and training")

    def ready(self):
        from branches.roles import Role, register_permissions

        from .metrics import FIGURES
        from .models import Assignment, HoursEntry

        # The committee's overview figures are kept between views: writes to what they count move them on.
        FIGURES.watch(Assignment, HoursEntry)

        register_permissions(
            {
                # see modules and classes owned by an organisation the grant covers
                "study.view": set(Role.values),
                "study.manage": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN},
                "study.view_progress": {
                    Role.COMMITTEE_STAFF,
                    Role.UNIT_ADMIN,
                    Role.SECRETARY,
                    Role.BRANCH_COMMITTEE,
                },
                "study.review": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY},
            }
        )
