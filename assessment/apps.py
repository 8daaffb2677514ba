from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Four-strong branch assessment")

    def ready(self):
        from branches.roles import Role, register_permissions

        from .document_kinds import register_kinds

        register_kinds()

        register_permissions(
            {
                "assessment.view": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY, Role.BRANCH_COMMITTEE},
                "assessment.self": {Role.SECRETARY},
                "assessment.review": {Role.UNIT_ADMIN, Role.COMMITTEE_STAFF},
                "assessment.calibrate": {Role.COMMITTEE_STAFF},
                "assessment.manage": {Role.COMMITTEE_STAFF},
            }
        )
