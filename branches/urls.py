from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization_list"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
]
