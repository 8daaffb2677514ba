from django.urls import path

from . import views

urlpatterns = [
    path("service/mine/", views.MyServiceView.as_view(), name="service_mine"),
    path("service/export.xlsx", views.ServiceExportView.as_view(), name="service_export"),
    path("service/", views.ServiceListView.as_view(), name="service_list"),
    path("service/members/", views.MemberHoursView.as_view(), name="service_members"),
    path("service/<int:pk>/confirm/", views.ConfirmView.as_view(), name="service_confirm"),
    path("service/communities/", views.CommunityReportListView.as_view(), name="community_report_list"),
    path("service/communities/new/", views.CommunityReportCreateView.as_view(), name="community_report_create"),
]
