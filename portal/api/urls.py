from django.urls import path
from rest_framework.routers import DefaultRouter

from .email import EmailChangeView, EmailConfirmView
from .notifications import NotificationViewSet
from .preferences import PreferenceView
from .robots import GroupRobotViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="notification")
router.register("group-robots", GroupRobotViewSet, basename="group-robot")

urlpatterns = router.urls + [
    path("me/email/", EmailChangeView.as_view(), name="me-email"),
    path("me/email/confirm/", EmailConfirmView.as_view(), name="me-email-confirm"),
    path("me/notification-preferences/", PreferenceView.as_view(), name="me-notification-preferences"),
]
