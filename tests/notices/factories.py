import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from branches import audit
from branches.roles import Role
from notices import services


def pdf(name="通知.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def notice(world, *, org=None, title="关于开展主题党日活动的通知", audience=None, receipt=True, actor=None, **extra):
    org = org or world.root
    audience = audience or [{"kind": "organization", "organization": world.branch_a1, "include_subtree": True}]
    return services.create_notice(
        actor=actor or audit.SYSTEM,
        organization=org,
        category="notice",
        title=title,
        body="请各支部按时参加。",
        audience=audience,
        requires_receipt=receipt,
        receipt_deadline=timezone.localdate() + datetime.timedelta(days=7) if receipt else None,
        publish=extra.pop("publish", True),
        **extra,
    )


def secretaries_of(*orgs):
    return [{"kind": "role", "organization": o, "include_subtree": True, "role": Role.SECRETARY} for o in orgs]
