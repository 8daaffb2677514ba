from django.urls import path

from . import views

urlpatterns = [
    path("deeds/export.xlsx", views.DeedExportView.as_view(), name="deed_export"),
    path("deeds/", views.DeedListView.as_view(), name="deed_list"),
    path("deeds/new/", views.DeedCreateView.as_view(), name="deed_create"),
    path("deeds/completion/", views.CompletionView.as_view(), name="deed_completion"),
    path("deeds/showcase/", views.ShowcaseView.as_view(), name="deed_showcase"),
    path("deeds/<int:pk>/", views.DeedDetailView.as_view(), name="deed_detail"),
    path("deeds/<int:pk>/progress/", views.DeedProgressView.as_view(), name="deed_progress"),
    path("deeds/<int:pk>/publish/", views.DeedPublishView.as_view(), name="deed_publish"),
]
