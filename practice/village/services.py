"""State changes of the first-secretary roster. One transaction each, keyword-only ``actor``, audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit, periods
from branches.models import Member, Organization
from branches.uploads import store_upload

from ..common import clean_text, may, require, user_or_none
from .models import FirstSecretary, VillageReport, VillageReportFile

MAX_FILES = 5


@transaction.atomic
def appoint(
    *,
    actor,
    organization: Organization,
    member: Member,
    village: str,
    term_start: datetime.date,
    term_end: datetime.date,
    township: str = "",
) -> FirstSecretary:
    """Put a cadre from the register on the roster of first secretaries sent to villages."""
    require(actor, organization, "practice.manage")
    if not clean_text(village, 100):
        raise ValidationError({"village": _("Name the village.")})
    if term_start is None or term_end is None or term_end <= term_start:
        raise ValidationError({"term_end": _("The term must end after it starts.")})
    if not Organization.objects.filter(pk=member.organization_id, path__startswith=organization.path).exists():
        raise ValidationError({"member": _("Choose the cadre from the dispatching unit's register.")})
    posting = FirstSecretary.objects.create(
        organization=organization,
        member=member,
        village=clean_text(village, 100),
        township=clean_text(township, 100),
        term_start=term_start,
        term_end=term_end,
        created_by=user_or_none(actor),
    )
    audit.record(actor, "village.appoint", posting, after=audit.snapshot(posting))
    return posting


def may_report(actor, posting: FirstSecretary) -> bool:
    if getattr(actor, "pk", None) is not None and posting.member.user_id == actor.pk:
        return True
    return may(actor, posting.organization, "practice.manage")


@transaction.atomic
def file_report(
    *, actor, posting: FirstSecretary, quarter: str, content: str, files=(), today: datetime.date | None = None
) -> VillageReport:
    """The quarterly work report, by the first secretary or the dispatching unit's admin, with files
    (the signed report, photos of the work) checked by ``store_upload``."""
    if not may_report(actor, posting):
        raise PermissionDenied(_("Only the first secretary or the dispatching unit may file this report."))
    today = today or periods.today()
    try:
        period = periods.parse(quarter)
    except (ValueError, TypeError):
        period = None
    if period is None or period.kind != "quarter":
        raise ValidationError({"quarter": _("Choose the quarter, e.g. 2026-Q1.")})
    if period.start > today or period.end < posting.term_start or period.start > posting.term_end:
        raise ValidationError({"quarter": _("Report on a quarter of the term that has begun.")})
    if not (content or "").strip():
        raise ValidationError({"content": _("Write the work report.")})
    if VillageReport.objects.filter(posting=posting, quarter=period.key).exists():
        raise ValidationError({"quarter": _("The report for this quarter is already filed.")})
    report = VillageReport.objects.create(
        posting=posting, quarter=period.key, content=content.strip(), filed_on=today, filed_by=user_or_none(actor)
    )
    files = [f for f in files or () if f]
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("Attach at most %(n)s files to a report.") % {"n": MAX_FILES}})
    for uploaded in files:
        store_upload(VillageReportFile(report=report), uploaded, kinds=("document", "image"), user=actor).save()
    audit.record(
        actor,
        "village.report",
        report,
        after={**audit.snapshot(report), "files": [f.original_name for f in report.files.all()]},
    )
    return report
