from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Joint building"),
        "url": "practice:pairing_list",
        "section": "practice",
        "icon": "people",
        "permission": "practice.view",
        "order": 60,
    },
]
NAV_ITEMS += [
    {
        "label": _("My community service"),
        "url": "practice:service_mine",
        "section": "practice",
        "icon": "heart",
        "permission": "practice.use",
        "order": 61,
    },
    {
        "label": _("Community service"),
        "url": "practice:service_list",
        "section": "practice",
        "icon": "house-heart",
        "permission": "practice.view",
        "order": 62,
    },
]
NAV_ITEMS += [
    {
        "label": _("Practical deeds"),
        "url": "practice:deed_list",
        "section": "practice",
        "icon": "check2-square",
        "permission": "practice.view",
        "order": 63,
    },
]
NAV_ITEMS += [
    {
        "label": _("Research and villages"),
        "url": "practice:research_list",
        "section": "practice",
        "icon": "search",
        "permission": "practice.view",
        "order": 64,
    },
]
