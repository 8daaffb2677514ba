from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Organisations"),
        "url": "branches:organization_list",
        "icon": "diagram-3",
        "permission": "org.view",
        "order": 10,
    },
]
NAV_ITEMS += [
    {
        "label": _("Meetings"),
        "url": "meetings:meeting_list",
        "icon": "calendar-check",
        "permission": "meeting.view",
        "order": 20,
    },
    {
        "label": _("Meeting compliance"),
        "url": "meetings:compliance_matrix",
        "icon": "grid-3x3",
        "permission": "meeting.compliance",
        "order": 21,
    },
]
NAV_ITEMS += [
    {
        "label": _("Meeting sign-in"),
        "url": "meetings:signin",
        "icon": "qr-code-scan",
        "permission": "meeting.view",
        "order": 22,
    },
]
