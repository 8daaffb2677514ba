from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("My study"),
        "url": "training:my_study",
        "section": "study",
        "icon": "book",
        "always": True,
        "order": 15,
    },
    {
        "label": _("Study modules"),
        "url": "training:module_list",
        "section": "study",
        "icon": "journal-text",
        "permission": "study.manage",
        "order": 40,
    },
    {
        "label": _("Study progress"),
        "url": "training:committee_overview",
        "section": "study",
        "icon": "bar-chart-line",
        "permission": "study.view_progress",
        "order": 41,
    },
    {
        "label": _("Hours claims"),
        "url": "training:claim_list",
        "section": "study",
        "icon": "patch-check",
        "permission": "study.review",
        "order": 42,
    },
    {
        "label": _("Training classes"),
        "url": "training:class_list",
        "section": "study",
        "icon": "people",
        "permission": "study.view_progress",
        "order": 43,
    },
    {
        "label": _("Lectures"),
        "url": "training:lecture_list",
        "section": "study",
        "icon": "megaphone",
        "permission": "study.manage",
        "order": 44,
    },
]
