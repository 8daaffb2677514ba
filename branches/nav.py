from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Member files"),
        "url": "memberfile:overview",
        "icon": "person-vcard",
        "permission": "memberfile.view",
        "order": 14,
    },
    {
        "label": _("Organisations"),
        "url": "branches:organization_list",
        "icon": "diagram-3",
        "permission": "org.view",
        "order": 10,
    },
    {
        "label": _("Party member management"),
        "url": "branches:member_list",
        "icon": "people",
        "permission": "member.view",
        "order": 11,
    },
    {
        "label": _("Development"),
        "url": "branches:development",
        "icon": "person-up",
        "permission": "member.view",
        "order": 12,
    },
    {
        "label": _("Transfers"),
        "url": "branches:transfer_list",
        "icon": "arrow-left-right",
        "permission": "member.change",
        "order": 13,
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
