from django.urls import path

from . import brand_views, views

app_name = "campaigns"

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign_list"),
    path("new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("<int:pk>/apply/", views.CampaignApplyView.as_view(), name="campaign_apply"),
    path("<int:pk>/entries.xlsx", views.CampaignExportView.as_view(), name="campaign_export"),
    path("entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("entries/<int:pk>/files/<int:file_id>/", views.EntryFileView.as_view(), name="entry_file"),
    path("entries/<int:pk>/<str:action>/", views.EntryActionView.as_view(), name="entry_action"),
    path("brands/", brand_views.BrandListView.as_view(), name="brand_list"),
    path("brands/new/", brand_views.BrandCreateView.as_view(), name="brand_create"),
    path("brands/export.xlsx", brand_views.BrandExportView.as_view(), name="brand_export"),
    path("brands/themes/", brand_views.ThemeListView.as_view(), name="theme_list"),
    path("brands/themes/new/", brand_views.ThemeSaveView.as_view(), name="theme_create"),
    path("brands/themes/<int:pk>/", brand_views.ThemeSaveView.as_view(), name="theme_update"),
    path("brands/showcase/", brand_views.ShowcaseView.as_view(), name="showcase"),
    path("brands/<int:pk>/", brand_views.BrandDetailView.as_view(), name="brand_detail"),
    path("brands/<int:pk>/photos/<int:file_id>/", brand_views.BrandPhotoView.as_view(), name="brand_photo"),
    path("brands/<int:pk>/<str:action>/", brand_views.BrandActionView.as_view(), name="brand_action"),
]
