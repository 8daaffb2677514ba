"""Plans and summaries: filed by the organisation, reviewed by the one above. Audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit, events
from branches.access import holders
from branches.models import Organization, OrganizationKind
from branches.roles import Role
from branches.uploads import store_upload

from .models import FilingRule, PlanFile, PlanReport, ReportKind, ReportStatus

# The organisations that file plans and summaries (party groups report through their branch).
FILING_KINDS = (OrganizationKind.PARTY_COMMITTEE, OrganizationKind.GENERAL_BRANCH, OrganizationKind.BRANCH)
EDITABLE = {ReportStatus.DRAFT, ReportStatus.RETURNED}


def _is_system(actor) -> bool:
    return actor is audit.SYSTEM or getattr(actor, "is_superuser", False)


def _require(actor, organization: Organization, permission: str, message: str) -> None:
    if _is_system(actor):
        return
    if not Organization.objects.visible_to(actor, permission).filter(pk=organization.pk).exists():
        raise PermissionDenied(message)


@transaction.atomic
def file_report(
    *,
    actor,
    organization: Organization,
    kind: str,
    year: int,
    title: str,
    body: str = "",
    file=None,
    submit: bool = False,
    now=None,
) -> PlanReport:
    """Write (or rewrite) the organisation's plan or summary; ``submit`` sends it to the organisation above."""
    _require(actor, organization, "plan.file", _("You may not file plans for %(org)s.") % {"org": organization})
    now = now or timezone.now()
    errors = {}
    if kind not in ReportKind.values:
        errors["kind"] = _("Choose a plan or summary kind.")
    if not 2000 <= int(year or 0) <= 2100:
        errors["year"] = _("Give a year between 2000 and 2100.")
    if not (title or "").strip():
        errors["title"] = _("Give a title.")
    if organization.parent_id is None:
        errors["organization"] = _("The work committee files no plan here: it has no organisation above it.")
    if errors:
        raise ValidationError(errors)
    report = PlanReport.objects.select_for_update().filter(organization=organization, kind=kind, year=year).first()
    before = audit.snapshot(report)
    if report is None:
        report = PlanReport(
            organization=organization,
            kind=kind,
            year=year,
            due_date=FilingRule.due_dates(int(year))[kind],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    elif report.status not in EDITABLE:
        raise ValidationError(_("This report is awaiting review or approved; it cannot be changed."))
    report.title = title.strip()[:200]
    report.body = (body or "").strip()
    if submit:
        if not report.body and file is None and not (report.pk and report.files.exists()):
            raise ValidationError({"body": _("Write the text or attach the document before submitting.")})
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now
        report.first_submitted_at = report.first_submitted_at or now
    report.save()
    if file is not None:
        att = PlanFile(report=report)
        store_upload(att, file, kinds=("document",), user=actor)
        att.save()
    audit.record(actor, "plan.submit" if submit else "plan.save", report, before=before, after=audit.snapshot(report))
    if submit and organization.parent_id:
        parent = Organization.objects.get(pk=organization.parent_id)
        ids = sorted(holders([parent], (Role.UNIT_ADMIN, Role.COMMITTEE_STAFF)).get(parent.pk, set()))
        url = reverse("notices:plan_detail", args=[report.pk])
        transaction.on_commit(
            lambda: events.notify.send(
                sender=PlanReport,
                kind="plans.submitted",
                obj=report,
                recipients=ids,
                title=_("To review: %(title)s (%(org)s)") % {"title": report.title, "org": organization.name},
                url=url,
                urgent=False,
                organization_id=organization.pk,
            )
        )
    return report


def can_review(actor, report: PlanReport) -> bool:
    """The upper organisation reviews: a ``plan.review`` grant covering the parent, never one's own report only."""
    if _is_system(actor):
        return True
    if report.organization.parent_id is None:
        return False
    return Organization.objects.visible_to(actor, "plan.review").filter(pk=report.organization.parent_id).exists()


@transaction.atomic
def review_report(*, actor, report: PlanReport, approve: bool, comment: str = "", now=None) -> PlanReport:
    report = PlanReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    if not can_review(actor, report):
        raise PermissionDenied(_("Only the organisation above reviews this report."))
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    if not approve and not (comment or "").strip():
        raise ValidationError({"comment": _("Say what must be changed.")})
    before = audit.snapshot(report)
    report.status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    report.review_comment = (comment or "").strip()[:500]
    report.reviewed_at = now or timezone.now()
    report.reviewed_by = actor if getattr(actor, "pk", None) else None
    report.save()
    audit.record(actor, "plan.review", report, before=before, after=audit.snapshot(report))
    ids = sorted(holders([report.organization], (Role.SECRETARY, Role.UNIT_ADMIN)).get(report.organization_id, set()))
    url = reverse("notices:plan_detail", args=[report.pk])
    label = _("Approved: %(title)s") if approve else _("Returned: %(title)s")
    transaction.on_commit(
        lambda: events.notify.send(
            sender=PlanReport,
            kind=f"plans.reviewed.{report.status}",
            obj=report,
            recipients=ids,
            title=label % {"title": report.title},
            url=url,
            urgent=False,
            organization_id=report.organization_id,
        )
    )
    return report
