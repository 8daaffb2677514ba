from rest_framework.routers import DefaultRouter

from .views import CardViewSet, FindingViewSet, RectificationViewSet, SupervisionTaskViewSet, TaskTargetViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("supervision-tasks", SupervisionTaskViewSet, basename="supervision-task")
router.register("supervision-targets", TaskTargetViewSet, basename="supervision-target")
router.register("findings", FindingViewSet, basename="finding")
router.register("rectifications", RectificationViewSet, basename="rectification")
router.register("cards", CardViewSet, basename="card")

urlpatterns = router.urls
