"""Material requests: the targets that have not submitted are reminded one working day before the
deadline (``T-1``) and on the day after it (``overdue``); a returned answer counts as not submitted."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import holders
from branches.events import Due
from branches.models import Organization

from ..deadlines import add_working_days
from .models import RequestStatus, Submission, SubmissionStatus
from .services import TARGET_ROLES

OPEN = [SubmissionStatus.PENDING, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED]


def due(now):
    today = timezone.localdate(now)
    rows = list(
        Submission.objects.filter(
            request__status=RequestStatus.OPEN,
            status__in=OPEN,
            request__deadline__gte=today - datetime.timedelta(days=1),
            request__deadline__lte=add_working_days(today, 1),
        ).values_list("pk", "organization_id", "request__title", "request__deadline")
    )
    if not rows:
        return
    orgs = Organization.objects.filter(pk__in={r[1] for r in rows}).only("id", "path")
    people = holders(orgs, TARGET_ROLES)
    for pk, org_id, title, deadline in rows:
        step, at = (
            ("overdue", deadline + datetime.timedelta(days=1))
            if deadline < today
            else ("T-1", add_working_days(deadline, -1))
        )
        for user_id in people.get(org_id, ()):
            yield Due(
                kind="collection.submission_due",
                object_type="notices.submission",
                object_id=pk,
                step=step,
                recipient_id=user_id,
                due_at=at,
                title=_("Submit the material “%(title)s” by %(deadline)s") % {"title": title, "deadline": deadline},
                url=reverse("notices:submission_detail", args=[pk]),
                urgent=step == "overdue",
                organization_id=org_id,
            )
