from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Organisations"),
        "url": "branches:organization_list",
        "icon": "diagram-3",
        "permission": "org.view",
        "order": 10,
    },
]
