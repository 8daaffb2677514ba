from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Four-strong assessment"),
        "url": "assessment:home",
        "section": "supervision",
        "icon": "award",
        "permission": "assessment.view",
        "order": 40,
    },
]
