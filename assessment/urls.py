from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.AssessmentHomeView.as_view(), name="home"),
    path("systems/", views.SystemListView.as_view(), name="system_list"),
    path("systems/<int:pk>/", views.SystemDetailView.as_view(), name="system_detail"),
    path("systems/<int:pk>/settings/", views.SystemSettingsView.as_view(), name="system_settings"),
    path("systems/<int:pk>/indicators/new/", views.IndicatorCreateView.as_view(), name="indicator_create"),
    path("indicators/<int:pk>/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("cycles/new/", views.CycleCreateView.as_view(), name="cycle_create"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle_detail"),
    path("cycles/<int:pk>/export.xlsx", views.CycleExportView.as_view(), name="cycle_export"),
    path("cycles/<int:pk>/result-notice.docx", views.ResultNoticeView.as_view(), name="result_notice"),
    path(
        "cycles/<int:pk>/result-notice.pdf",
        views.ResultNoticeView.as_view(fmt="pdf"),
        name="result_notice_pdf",
    ),
    path("cycles/<int:pk>/windows/", views.CycleWindowsView.as_view(), name="cycle_windows"),
    path("cycles/<int:pk>/<str:action>/", views.CycleActionView.as_view(), name="cycle_action"),
    path("branch/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("branch/<int:pk>/self/", views.SelfAssessmentView.as_view(), name="self"),
    path("branch/<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("branch/<int:pk>/meetings/<int:result>/", views.MeetingPickerView.as_view(), name="evidence_meetings"),
    path("branch/<int:pk>/print/", views.AssessmentPrintView.as_view(), name="print"),
    path("branch/<int:pk>/export.xlsx", views.AssessmentExportView.as_view(), name="assessment_export"),
    path("results/<int:pk>/appeal/", views.AppealCreateView.as_view(), name="appeal"),
    path("evidence/<int:pk>/", views.EvidenceFileView.as_view(), name="evidence_file"),
]
