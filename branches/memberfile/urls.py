from django.urls import path

from . import views

app_name = "memberfile"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("care/", views.CareListView.as_view(), name="care_list"),
    path("member/<int:pk>/", views.MemberFileView.as_view(), name="member_file"),
]
