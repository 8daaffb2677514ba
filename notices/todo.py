"""我的待办 from notices: notices the person must sign for (签收), open until signed."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.events import TodoItem

from .models import NoticeRecipient, NoticeStatus

COVERS = {"notices.receipt_due"}


def items(user, now):
    today = timezone.localdate(now)
    rows = NoticeRecipient.objects.filter(
        user=user,
        notice__status=NoticeStatus.PUBLISHED,
        notice__requires_receipt=True,
        notice__published_at__lte=now,
        signed_at__isnull=True,
    ).values_list("notice_id", "notice__title", "notice__receipt_deadline", "organization_id")
    for pk, title, deadline, org_id in rows:
        due = deadline or today
        yield TodoItem(
            "notices.receipt",
            "notices.notice",
            pk,
            _("Sign for the notice “%(title)s”") % {"title": title},
            due,
            reverse("notices:notice_detail", args=[pk]),
            due <= today,
            org_id,
        )
