from django.urls import path

from . import downloads, views

app_name = "supervision"

urlpatterns = [
    path("", views.TaskListView.as_view(), name="task_list"),
    path("tasks/new/", views.TaskCreateView.as_view(), name="task_create"),
    path("tasks/new/targets/", views.TargetChildrenView.as_view(), name="task_target_children"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/<str:action>/", views.TaskActionView.as_view(), name="task_action"),
    path("targets/<int:pk>/", views.TargetDetailView.as_view(), name="target_detail"),
    path("targets/<int:pk>/acknowledge/", views.TargetAcknowledgeView.as_view(), name="target_acknowledge"),
    path("targets/<int:pk>/report/", views.StageReportView.as_view(), name="target_report"),
    path("targets/<int:pk>/findings/new/", views.FindingCreateView.as_view(), name="finding_create"),
    path("reports/<int:pk>/review/", views.ReportReviewView.as_view(), name="report_review"),
    path("findings/", views.FindingListView.as_view(), name="finding_list"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/<int:pk>/rectifications/new/", views.RectificationCreateView.as_view(), name="rectification_create"),
    path("rectifications/", views.RectificationListView.as_view(), name="rectification_list"),
    path("rectifications/<int:pk>/", views.RectificationDetailView.as_view(), name="rectification_detail"),
    path("rectifications/<int:pk>/<str:action>/", views.RectificationActionView.as_view(), name="rectification_action"),
    path("extensions/<int:pk>/decide/", views.ExtensionDecideView.as_view(), name="extension_decide"),
    path("cards/", views.CardListView.as_view(), name="card_list"),
    path("cards/<int:pk>/", views.CardDetailView.as_view(), name="card_detail"),
    path("cards/<int:pk>/revoke/", views.CardRevokeView.as_view(), name="card_revoke"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("bulletin/", views.BulletinView.as_view(), name="bulletin"),
    path("bulletin/document.docx", downloads.BulletinDocumentView.as_view(), name="bulletin_docx"),
    path("bulletin/document.pdf", downloads.BulletinDocumentView.as_view(fmt="pdf"), name="bulletin_pdf"),
    path(
        "rectifications/<int:pk>/notice.docx",
        downloads.RectificationNoticeView.as_view(),
        name="rectification_notice",
    ),
    path(
        "rectifications/<int:pk>/notice.pdf",
        downloads.RectificationNoticeView.as_view(fmt="pdf"),
        name="rectification_notice_pdf",
    ),
    path("files/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
]
