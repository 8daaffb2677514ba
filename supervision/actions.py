"""What an owner or inspector may do with a rectification: form and service per action.

Shared by the rectification page (``views.RectificationActionView``) and the API
(``api.views.RectificationViewSet``), so both validate and act the same way.
"""

from django.utils.translation import gettext_lazy

from . import services
from .forms import ExtensionForm, PlanForm, ProgressForm, RecheckForm

RECT_ACTIONS = {
    "plan": (
        PlanForm,
        lambda u, r, d: services.propose_plan(actor=u, rectification=r, **d),
        gettext_lazy("The plan was submitted."),
    ),
    "accept": (
        None,
        lambda u, r, d: services.accept_plan(actor=u, rectification=r),
        gettext_lazy("The plan was accepted."),
    ),
    "progress": (
        ProgressForm,
        lambda u, r, d: services.report_progress(actor=u, rectification=r, **d),
        gettext_lazy("The progress was reported."),
    ),
    "submit": (
        None,
        lambda u, r, d: services.submit_for_recheck(actor=u, rectification=r),
        gettext_lazy("Submitted for recheck."),
    ),
    "recheck": (
        RecheckForm,
        lambda u, r, d: services.recheck(actor=u, rectification=r, **d),
        gettext_lazy("The recheck was recorded."),
    ),
    "extend": (
        ExtensionForm,
        lambda u, r, d: services.request_extension(actor=u, rectification=r, **d),
        gettext_lazy("The extension was requested."),
    ),
}
