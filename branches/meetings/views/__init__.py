"""Pages of organisational life. Every page fetches through ``visible_to``; views call one service."""

from .common import MeetingQueryMixin, OrgScopedMixin
from .compliance import ComplianceCardView, ComplianceMatrixView, MissingListView
from .corrections import CorrectView
from .ledger import LedgerPageView, LedgerView
from .pages import AttachmentView, CalendarView, MeetingDetailView, MeetingListView, MinutesDocxView
from .record import CancelView, MeetingRecordView, PlanView, SignInQrView, SignInView, UploadView

__all__ = [
    "MeetingQueryMixin",
    "OrgScopedMixin",
    "MeetingListView",
    "MeetingDetailView",
    "AttachmentView",
    "MinutesDocxView",
    "CalendarView",
    "LedgerView",
    "LedgerPageView",
    "PlanView",
    "MeetingRecordView",
    "UploadView",
    "CancelView",
    "SignInQrView",
    "SignInView",
    "CorrectView",
    "ComplianceCardView",
    "ComplianceMatrixView",
    "MissingListView",
]
