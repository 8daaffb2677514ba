"""What every assessment service shares: audited field lists, the permission check, the clock."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organization

from ..models import (
    AssessmentStatus,
)

SYSTEM_FIELDS = ["year", "version", "name", "status", "top_quota_percent", "review_margin"]


ASSESSMENT_FIELDS = ["status", "self_total", "review_total", "final_total", "vetoed", "grade", "quota_demoted"]


EDITABLE = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


EVIDENCE_FIELDS = ["result", "title", "link", "dated", "meeting", "original_name", "content_type", "size", "sha256"]


RESULT_FIELDS = ["self_input", "self_score", "self_note", "review_score", "review_veto", "review_reason", "final_score"]


def _require(actor, permission: str, organization: Organization) -> None:
    if actor is audit.SYSTEM or getattr(actor, "is_superuser", False):
        return
    if not Organization.objects.visible_to(actor, permission).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this for %(org)s.") % {"org": organization})


def _now(now):
    return now or timezone.now()
