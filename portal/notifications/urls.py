from django.urls import path

from ..robots import views as views_robots
from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("defaults/", views.default_preferences, name="defaults"),
    path("email/", views.email_change, name="email_change"),
    path("email/verify/<str:token>/", views.email_verify, name="email_verify"),
    path("failures/", views.delivery_failures, name="failures"),
    path("robots/", views_robots.GroupRobotListView.as_view(), name="robots"),
    path("robots/new/", views_robots.robot_create, name="robot_create"),
    path("robots/<int:pk>/", views_robots.GroupRobotUpdateView.as_view(), name="robot_update"),
    path("<int:pk>/", views.notification_detail, name="detail"),
    path("<int:pk>/read/", views.notification_read, name="read"),
]
