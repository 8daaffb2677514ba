from rest_framework.routers import DefaultRouter

from .claims import ClaimViewSet
from .views import AssignmentViewSet, StudyModuleViewSet

router = DefaultRouter()
router.register("study-modules", StudyModuleViewSet, basename="study-module")
router.register("assignments", AssignmentViewSet, basename="api-assignment")
router.register("study-claims", ClaimViewSet, basename="study-claim")

urlpatterns = router.urls
