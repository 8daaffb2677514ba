from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Joint building"),
        "url": "practice:pairing_list",
        "icon": "people",
        "permission": "practice.view",
        "order": 60,
    },
]
