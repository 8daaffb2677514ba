from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Party dues"),
        "url": "dues:home",
        "section": "dues",
        "icon": "cash-coin",
        "permission": "dues.view",
        "order": 16,
    },
    {
        "label": _("My party dues"),
        "url": "dues:mine",
        "section": "dues",
        "icon": "wallet2",
        "always": True,
        "order": 90,
    },
]
