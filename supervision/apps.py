from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision and rectification")

    def ready(self):
        from branches.roles import Role, register_permissions

        from .campaigns import receivers  # noqa: F401  (a red card revokes a model-organ title)
        from .document_kinds import register_kinds

        register_kinds()

        register_permissions(
            {
                # See tasks, findings, rectifications and cards of the organisations covered.
                "supervision.view": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY, Role.BRANCH_COMMITTEE},
                # Create and issue tasks, approve extensions, revoke cards, see the board.
                "supervision.manage": {Role.COMMITTEE_STAFF},
                # Record findings and recheck (on assigned tasks; scope comes from the assignment).
                "supervision.inspect": {Role.INSPECTOR, Role.COMMITTEE_STAFF},
                # Acknowledge, report, plan and rectify for one's own organisations.
                "supervision.respond": {Role.SECRETARY, Role.UNIT_ADMIN},
                # Who sees the supervision pages at all (navigation).
                "supervision.use": {
                    Role.COMMITTEE_STAFF,
                    Role.INSPECTOR,
                    Role.UNIT_ADMIN,
                    Role.SECRETARY,
                    Role.BRANCH_COMMITTEE,
                },
                # 述职评议 (supervision/accountability): see the rounds and reporters of one's organisations,
                # open and close rounds, file one's organisation's written report.
                "accountability.view": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY},
                "accountability.manage": {Role.COMMITTEE_STAFF},
                "accountability.report": {Role.SECRETARY, Role.UNIT_ADMIN},
                # 模范机关创建 and 一支部一品牌 (supervision/campaigns).
                "campaigns.view": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN, Role.SECRETARY},
                "campaigns.manage": {Role.COMMITTEE_STAFF},
                "campaigns.apply": {Role.UNIT_ADMIN},
                "campaigns.review": {Role.UNIT_ADMIN},
                "brands.apply": {Role.SECRETARY, Role.UNIT_ADMIN},
            }
        )
