from django.urls import path

from . import views_notifications as views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("defaults/", views.default_preferences, name="defaults"),
    path("<int:pk>/", views.notification_detail, name="detail"),
    path("<int:pk>/read/", views.notification_read, name="read"),
]
