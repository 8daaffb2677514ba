"""Plans and summaries: organisations that have not filed are reminded seven days before the due date
(``T-7``) and the day after it (``overdue``), for the secretaries and unit admins who file them."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import holders
from branches.events import Due
from branches.models import Organization

from .models import FilingRule, PlanReport, ReportKind

FILERS = ("secretary", "unit_admin")
WINDOW = datetime.timedelta(days=7)


def due(now):
    from .services import FILING_KINDS

    today = timezone.localdate(now)
    for year in (today.year - 1, today.year):
        for kind, due_date in FilingRule.due_dates(year).items():
            if not (due_date - WINDOW <= today <= due_date + datetime.timedelta(days=1)):
                continue
            filed = PlanReport.objects.filter(kind=kind, year=year, first_submitted_at__isnull=False).values(
                "organization_id"
            )
            orgs = list(
                Organization.objects.filter(kind__in=FILING_KINDS, is_active=True, parent__isnull=False)
                .exclude(pk__in=filed)
                .only("id", "path", "name")
            )
            people = holders(orgs, FILERS)
            step, at = (
                ("overdue", due_date + datetime.timedelta(days=1)) if today > due_date else ("T-7", due_date - WINDOW)
            )
            label = ReportKind(kind).label
            for org in orgs:
                for user_id in people.get(org.pk, ()):
                    yield Due(
                        kind=f"plans.{kind}_due",
                        object_type="branches.organization",
                        object_id=org.pk,
                        step=f"{year}-{step}",
                        recipient_id=user_id,
                        due_at=at,
                        title=_("File the %(kind)s %(year)s of %(org)s by %(due)s")
                        % {"kind": label, "year": year, "org": org.name, "due": due_date},
                        url=f"{reverse('notices:plan_create')}?organization={org.pk}&kind={kind}&year={year}",
                        urgent=False,
                        organization_id=org.pk,
                    )
