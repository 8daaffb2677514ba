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
NAV_ITEMS += [
    {
        "label": _("My community service"),
        "url": "practice:service_mine",
        "icon": "heart",
        "permission": "practice.use",
        "order": 61,
    },
    {
        "label": _("Community service"),
        "url": "practice:service_list",
        "icon": "house-heart",
        "permission": "practice.view",
        "order": 62,
    },
]
NAV_ITEMS += [
    {
        "label": _("Practical deeds"),
        "url": "practice:deed_list",
        "icon": "check2-square",
        "permission": "practice.view",
        "order": 63,
    },
]
NAV_ITEMS += [
    {
        "label": _("Research and villages"),
        "url": "practice:research_list",
        "icon": "search",
        "permission": "practice.view",
        "order": 64,
    },
]
