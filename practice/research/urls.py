from django.urls import path

from . import views

urlpatterns = [
    path("research/", views.TopicListView.as_view(), name="research_list"),
    path("research/new/", views.TopicCreateView.as_view(), name="research_create"),
    path("research/<int:pk>/", views.TopicDetailView.as_view(), name="research_detail"),
    path("research/<int:pk>/report/", views.ReportUploadView.as_view(), name="research_report_add"),
    path("research/<int:pk>/outcome/", views.OutcomeAddView.as_view(), name="research_outcome_add"),
    path("research/<int:pk>/photos/", views.PhotoAddView.as_view(), name="research_photo_add"),
    path("research/photos/<int:pk>/", views.PhotoView.as_view(), name="research_photo"),
    path("research/photos/<int:pk>/thumb/", views.PhotoView.as_view(thumbnail=True), name="research_photo_thumb"),
    path("research/reports/<int:pk>/", views.ReportFileView.as_view(), name="research_report"),
]
