from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting_list"),
    path("new/", views.PlanView.as_view(), name="meeting_plan"),
    path("signin/", views.SignInView.as_view(), name="signin"),
    path("compliance/", views.ComplianceMatrixView.as_view(), name="compliance_matrix"),
    path("missing/", views.MissingListView.as_view(), name="missing_list"),
    path("org/<int:org>/calendar/", views.CalendarView.as_view(), name="calendar"),
    path("org/<int:org>/ledger.xlsx", views.LedgerView.as_view(), name="ledger"),
    path("org/<int:org>/ledger/", views.LedgerPageView.as_view(), name="ledger_page"),
    path("org/<int:org>/compliance/", views.ComplianceCardView.as_view(), name="compliance_card"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<int:pk>/record/", views.MeetingRecordView.as_view(), name="meeting_record"),
    path("<int:pk>/correct/", views.CorrectView.as_view(), name="meeting_correct"),
    path("<int:pk>/upload/", views.UploadView.as_view(), name="meeting_upload"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="meeting_cancel"),
    path("<int:pk>/minutes.docx", views.MinutesDocxView.as_view(), name="minutes_docx"),
    path("<int:pk>/minutes.pdf", views.MinutesDocxView.as_view(fmt="pdf"), name="minutes_pdf"),
    path("<int:pk>/signin-qr.svg", views.SignInQrView.as_view(), name="signin_qr"),
    path("<int:pk>/files/<int:file_id>/", views.AttachmentView.as_view(), name="attachment"),
    path(
        "<int:pk>/files/<int:file_id>/thumb/",
        views.AttachmentView.as_view(thumbnail=True),
        name="attachment_thumb",
    ),
]
