from django.urls import path

from . import views

urlpatterns = [
    path("pairings/", views.PairingListView.as_view(), name="pairing_list"),
    path("pairings/new/", views.PairingCreateView.as_view(), name="pairing_create"),
    path("pairings/coverage/", views.CoverageView.as_view(), name="pairing_coverage"),
    path("pairings/quarters/", views.QuarterView.as_view(), name="pairing_quarters"),
    path("pairings/<int:pk>/", views.PairingDetailView.as_view(), name="pairing_detail"),
    path("pairings/<int:pk>/edit/", views.PairingUpdateView.as_view(), name="pairing_update"),
    path("pairings/<int:pk>/end/", views.PairingEndView.as_view(), name="pairing_end"),
    path("pairings/<int:pk>/log/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("activities/export.xlsx", views.ActivityExportView.as_view(), name="activity_export"),
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("activities/<int:pk>/photo/", views.PhotoUploadView.as_view(), name="activity_photo_add"),
    path("photos/<int:pk>/", views.PhotoView.as_view(), name="activity_photo"),
    path("photos/<int:pk>/thumb/", views.PhotoView.as_view(thumbnail=True), name="activity_photo_thumb"),
]
