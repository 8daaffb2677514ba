from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {"label": _("Notifications"), "url": "notifications:list", "icon": "bell", "always": True, "order": 90},
]
