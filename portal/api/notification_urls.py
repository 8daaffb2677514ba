from rest_framework.routers import DefaultRouter

from .notifications import NotificationViewSet
from .robots import GroupRobotViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="notification")
router.register("group-robots", GroupRobotViewSet, basename="group-robot")

urlpatterns = router.urls
