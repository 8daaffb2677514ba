from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Notices"),
        "url": "notices:notice_inbox",
        "icon": "megaphone",
        "permission": "notice.receive",
        "order": 30,
    },
]
