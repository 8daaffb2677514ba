from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    """Party dues (党费): a middle-floor app standing on ``branches`` only."""

    name = "dues"
    verbose_name = _("Party dues")

    def ready(self):
        from branches.roles import REGISTER_KEEPERS, Role, register_permissions

        from .collection import FIGURES
        from .models import DuesBase, DuesReduction, Payment

        # The dues page's month figures are kept between views: any write to what they count moves them on.
        FIGURES.watch(Payment, DuesBase, DuesReduction)

        register_permissions(
            {
                # See bases, payments, collection and statements of the organisations covered.
                "dues.view": REGISTER_KEEPERS | {Role.BRANCH_COMMITTEE},
                # Record bases, payments, reversals, statements, talks; propose reductions.
                "dues.change": REGISTER_KEEPERS | {Role.BRANCH_COMMITTEE},
                # The upper committee: approve reductions, record receipt of remittances, decide 6-month cases.
                "dues.approve": {Role.COMMITTEE_STAFF, Role.UNIT_ADMIN},
            }
        )
