"""The app's models, defined by concept in their packages and gathered here for Django."""

from .collection.models import (
    FieldType,
    MaterialRequest,
    RequestStatus,
    RequestTemplate,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from .notice_models import (
    AudienceKind,
    Classification,
    FileDownload,
    Notice,
    NoticeAudience,
    NoticeCategory,
    NoticeFile,
    NoticeRecipient,
    NoticeStatus,
    NoticeVersion,
)
from .plans.models import FilingRule, PlanFile, PlanReport, ReportKind, ReportStatus

__all__ = [
    "AudienceKind",
    "Classification",
    "FieldType",
    "FileDownload",
    "FilingRule",
    "MaterialRequest",
    "Notice",
    "NoticeAudience",
    "NoticeCategory",
    "NoticeFile",
    "NoticeRecipient",
    "NoticeStatus",
    "NoticeVersion",
    "PlanFile",
    "PlanReport",
    "ReportKind",
    "ReportStatus",
    "RequestStatus",
    "RequestTemplate",
    "Submission",
    "SubmissionFile",
    "SubmissionStatus",
]
