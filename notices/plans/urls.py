from django.urls import path

from . import views

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("org/<int:org>/panel/", views.OrgPlansPanelView.as_view(), name="org_plans"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/review/", views.PlanReviewView.as_view(), name="plan_review"),
    path("<int:pk>/files/<int:file_id>/", views.PlanFileView.as_view(), name="plan_file"),
]
