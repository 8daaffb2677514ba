from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("Notices"),
        "url": "notices:notice_inbox",
        "section": "notices",
        "icon": "megaphone",
        "permission": "notice.receive",
        "order": 30,
    },
    {
        "label": _("Sent notices"),
        "url": "notices:notice_sent",
        "section": "notices",
        "icon": "send",
        "permission": "notice.send",
        "order": 31,
    },
    {
        "label": _("Material collection"),
        "url": "notices:request_list",
        "section": "notices",
        "icon": "inboxes",
        "permission": "collection.request",
        "order": 32,
    },
    {
        "label": _("Requests to answer"),
        "url": "notices:submission_todo",
        "section": "notices",
        "icon": "upload",
        "permission": "collection.submit",
        "order": 33,
    },
    {
        "label": _("Plans and summaries"),
        "url": "notices:plan_list",
        "section": "notices",
        "icon": "journal-text",
        "permission": "plan.view",
        "order": 34,
    },
]
