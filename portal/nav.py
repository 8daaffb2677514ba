from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {"label": _("Notifications"), "url": "notifications:list", "icon": "bell", "always": True, "order": 90},
    {
        "label": _("Dashboard"),
        "url": "dashboards:home",
        "icon": "speedometer2",
        "permission": "dashboard.view",
        "order": 5,
    },
    {"label": _("My to-do list"), "url": "dashboards:todo", "icon": "check2-square", "always": True, "order": 6},
]
