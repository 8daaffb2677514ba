from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("", views.RoundListView.as_view(), name="round_list"),
    path("new/", views.RoundCreateView.as_view(), name="round_create"),
    path("<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("<int:pk>/rate/", views.RateListView.as_view(), name="rate_list"),
    path("<int:pk>/raters/", views.RaterAddView.as_view(), name="rater_add"),
    path("<int:pk>/settings/", views.RoundSettingsView.as_view(), name="round_settings"),
    path("<int:pk>/results.xlsx", views.RoundExportView.as_view(), name="round_export"),
    path("<int:pk>/<str:action>/", views.RoundActionView.as_view(), name="round_action"),
    path("reporters/<int:pk>/", views.ReporterDetailView.as_view(), name="reporter_detail"),
    path("reporters/<int:pk>/report/", views.ReporterReportView.as_view(), name="reporter_report"),
    path("reporters/<int:pk>/rate/", views.ReporterRateView.as_view(), name="reporter_rate"),
    path("reporters/<int:pk>/problems/", views.ProblemCreateView.as_view(), name="problem_create"),
]
