from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Supervision"),
        "url": "supervision:task_list",
        "section": "supervision",
        "icon": "clipboard-check",
        "permission": "supervision.use",
        "order": 50,
    },
    {
        "label": _("Supervision board"),
        "url": "supervision:board",
        "section": "supervision",
        "icon": "speedometer2",
        "permission": "supervision.manage",
        "order": 51,
    },
    {
        "label": _("Accountability review"),
        "url": "accountability:round_list",
        "section": "supervision",
        "icon": "person-check",
        "permission": "accountability.view",
        "order": 52,
    },
    {
        "label": _("Model-organ campaign"),
        "url": "campaigns:campaign_list",
        "section": "supervision",
        "icon": "award",
        "permission": "campaigns.view",
        "order": 53,
    },
    {
        "label": _("One branch, one brand"),
        "url": "campaigns:brand_list",
        "section": "supervision",
        "icon": "stars",
        "permission": "campaigns.view",
        "order": 54,
    },
    {
        "label": _("Brand showcase"),
        "url": "campaigns:showcase",
        "section": "supervision",
        "icon": "images",
        "permission": "campaigns.view",
        "always": True,
        "order": 55,
    },
]
