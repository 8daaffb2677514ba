from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Member files"),
        "url": "memberfile:overview",
        "section": "organisation",
        "icon": "person-vcard",
        "permission": "memberfile.view",
        "order": 14,
    },
    {
        "label": _("Organisations"),
        "url": "branches:organization_list",
        "section": "organisation",
        "icon": "diagram-3",
        "permission": "org.view",
        "order": 10,
    },
    {
        "label": _("Party member management"),
        "url": "branches:member_list",
        "section": "organisation",
        "icon": "people",
        "permission": "member.view",
        "order": 11,
    },
    {
        "label": _("Development"),
        "url": "branches:development",
        "section": "organisation",
        "icon": "person-up",
        "permission": "member.view",
        "order": 12,
    },
    {
        "label": _("Transfers"),
        "url": "branches:transfer_list",
        "section": "organisation",
        "icon": "arrow-left-right",
        "permission": "member.change",
        "order": 13,
    },
]
NAV_ITEMS += [
    {
        "label": _("Meetings"),
        "url": "meetings:meeting_list",
        "section": "meetings",
        "icon": "calendar-check",
        "permission": "meeting.view",
        "order": 20,
    },
    {
        "label": _("Meeting compliance"),
        "url": "meetings:compliance_matrix",
        "section": "meetings",
        "icon": "grid-3x3",
        "permission": "meeting.compliance",
        "order": 21,
    },
]
NAV_ITEMS += [
    {
        "label": _("Meeting sign-in"),
        "url": "meetings:signin",
        "section": "meetings",
        "icon": "qr-code-scan",
        "permission": "meeting.view",
        "order": 22,
    },
]
