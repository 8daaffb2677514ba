from django.urls import path

from . import views

urlpatterns = [
    path("villages/", views.PostingListView.as_view(), name="village_list"),
    path("villages/new/", views.PostingCreateView.as_view(), name="village_create"),
    path("villages/reports/", views.ReportListView.as_view(), name="village_report_list"),
    path("villages/<int:pk>/", views.PostingDetailView.as_view(), name="village_detail"),
    path("villages/report-files/<int:pk>/", views.ReportFileView.as_view(), name="village_report_file"),
    path("villages/<int:pk>/report/", views.ReportCreateView.as_view(), name="village_report_add"),
]
