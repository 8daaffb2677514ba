from rest_framework.routers import DefaultRouter

from .views import AssignmentViewSet, StudyModuleViewSet

router = DefaultRouter()
router.register("study-modules", StudyModuleViewSet, basename="study-module")
router.register("assignments", AssignmentViewSet, basename="api-assignment")

urlpatterns = router.urls
