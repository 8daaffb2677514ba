from django.urls import path

from portal import todo

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("todo/", todo.todo, name="todo"),
    path("org/<int:pk>/", views.DashboardView.as_view(), name="org"),
    path("org/<int:pk>/charts.json", views.DashboardChartsView.as_view(), name="charts"),
    path("org/<int:pk>/export.xlsx", views.DashboardExportView.as_view(), name="export"),
    path("org/<int:pk>/annual/", views.AnnualSummaryView.as_view(), name="annual"),
    path("org/<int:pk>/annual.docx", views.AnnualSummaryDocumentView.as_view(), name="annual_docx"),
    path("org/<int:pk>/annual.pdf", views.AnnualSummaryDocumentView.as_view(fmt="pdf"), name="annual_pdf"),
]
