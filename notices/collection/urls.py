from django.urls import path

from . import views

urlpatterns = [
    path("", views.RequestListView.as_view(), name="request_list"),
    path("todo/", views.SubmissionTodoView.as_view(), name="submission_todo"),
    path("new/", views.RequestCreateView.as_view(), name="request_create"),
    path("<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("<int:pk>/accepted.zip", views.RequestZipView.as_view(), name="request_zip"),
    path("<int:pk>/answers.xlsx", views.RequestExcelView.as_view(), name="request_excel"),
    path("<int:pk>/close/", views.CloseRequestView.as_view(), name="request_close"),
    path("submissions/<int:pk>/", views.SubmissionDetailView.as_view(), name="submission_detail"),
    path("submissions/<int:pk>/relay/", views.RelayView.as_view(), name="submission_relay"),
    path("submissions/<int:pk>/pass-up/", views.PassUpView.as_view(), name="submission_pass_up"),
    path("submissions/<int:pk>/review/", views.ReviewView.as_view(), name="submission_review"),
    path("submissions/<int:pk>/files/<int:file_id>/", views.SubmissionFileView.as_view(), name="submission_file"),
    path("submissions/<int:pk>/template/<int:template_id>/", views.TemplateFileView.as_view(), name="template_file"),
]
