from django.utils.translation import gettext_lazy as _

from .services.tasks import may_create_tasks

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
        # Committee staff, and inspectors when the committee allows them to create tasks (SupervisionSettings).
        "label": _("New supervision task"),
        "url": "supervision:task_create",
        "section": "supervision",
        "icon": "plus-square",
        "permission": "supervision.inspect",
        "check": may_create_tasks,
        "order": 50.5,
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
        "label": _("Supervision settings"),
        "url": "supervision:settings",
        "section": "supervision",
        "icon": "sliders",
        "permission": "supervision.manage",
        "order": 51.5,
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
